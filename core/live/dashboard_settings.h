// SPDX-License-Identifier: MIT
#pragma once

#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <memory>

namespace dofa {

struct DashboardOptions;

/// What the dashboard remembers between sessions: the run's source, platform, threads, policy
/// and targets, and the model and profile that were open. QSettings in the user's location, or
/// an INI file (tests, DashboardOptions::settingsFile). The one owner of the keys.
class DashboardSettings
{
public:
    enum class Key {
        LatencyMs,
        PowerW,
        MinAccuracy,
        Policy,
        Source,
        Threads,
        Platform,
        ModelPath,
        ProfilePath
    };

    /// The controller's starting choices: an option given explicitly (not at its default)
    /// wins over a remembered setting, a remembered setting over a default. A remembered
    /// platform, policy or target that is not one is ignored.
    struct Choices
    {
        QString source, platform;
        int threads = 1;
        QString modelPath, profilePath;  ///< empty: the shipped ones
        QString policy;
        double latencyMs = 0, powerW = 0, minAccuracy = 0;  ///< 0: no target
    };

    /// The dashboard's settings store: the INI `file`, or the user's settings when it is empty.
    /// The window's geometry and --reset use the same store.
    static std::unique_ptr<QSettings> open(const QString& file);

    /// `file` empty: the user's settings.
    explicit DashboardSettings(const QString& file);
    ~DashboardSettings();  ///< writes what changed

    /// `options` with the remembered settings where they apply (none unless
    /// options.restoreSettings); `policy` is the default policy, `policies` the valid names.
    [[nodiscard]] Choices choices(const DashboardOptions& options, const QString& policy,
                                  const QStringList& policies) const;
    void save(Key key, const QVariant& value);

private:
    std::unique_ptr<QSettings> m_settings;
};

}  // namespace dofa
