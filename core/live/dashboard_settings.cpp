// SPDX-License-Identifier: MIT
#include "dashboard_settings.h"

#include <algorithm>

#include "live/dashboard_controller.h"
#include "platform/platform_mode.h"

namespace dofa {

namespace {

/// The key's name in the file (INI groups).
QString keyName(DashboardSettings::Key key)
{
    using K = DashboardSettings::Key;
    switch (key) {
        case K::LatencyMs:
            return QStringLiteral("targets/latencyMs");
        case K::PowerW:
            return QStringLiteral("targets/powerW");
        case K::MinAccuracy:
            return QStringLiteral("targets/minAccuracy");
        case K::Policy:
            return QStringLiteral("run/policy");
        case K::Source:
            return QStringLiteral("run/source");
        case K::Threads:
            return QStringLiteral("run/threads");
        case K::Platform:
            return QStringLiteral("run/platform");
        case K::ModelPath:
            return QStringLiteral("model/modelPath");
        case K::ProfilePath:
            return QStringLiteral("model/profilePath");
    }
    return {};
}

}  // namespace

std::unique_ptr<QSettings> DashboardSettings::open(const QString& file)
{
    return file.isEmpty() ? std::make_unique<QSettings>(QStringLiteral("dofa"),
                                                        QStringLiteral("dofa-dashboard"))
                          : std::make_unique<QSettings>(file, QSettings::IniFormat);
}

DashboardSettings::DashboardSettings(const QString& file) : m_settings(open(file)) {}

DashboardSettings::~DashboardSettings()
{
    m_settings->sync();
}

DashboardSettings::Choices DashboardSettings::choices(const DashboardOptions& options,
                                                      const QString& policy,
                                                      const QStringList& policies) const
{
    const DashboardOptions defaults;
    const bool restore = options.restoreSettings;
    auto remembered = [&](Key key, const QVariant& option, const QVariant& dflt) {
        if (restore && option == dflt && m_settings->contains(keyName(key))) {
            return m_settings->value(keyName(key));
        }
        return option;
    };
    Choices c;
    c.source = remembered(Key::Source, options.source, defaults.source).toString();
    c.platform = remembered(Key::Platform, options.platform, defaults.platform).toString();
    if (!platformModeFromName(c.platform.toStdString())) {
        c.platform = options.platform;  // a remembered mode that is not one is ignored
    }
    c.threads = std::max(1, remembered(Key::Threads, options.threads, defaults.threads).toInt());
    c.modelPath = remembered(Key::ModelPath, options.modelPath, QString()).toString();
    c.profilePath = remembered(Key::ProfilePath, options.profilePath, QString()).toString();
    c.policy = policy;
    if (restore) {
        const QString rememberedPolicy = m_settings->value(keyName(Key::Policy), policy).toString();
        if (policies.contains(rememberedPolicy)) {
            c.policy = rememberedPolicy;
        }
        auto target = [&](Key key) {
            return std::max(0.0, m_settings->value(keyName(key), 0.0).toDouble());
        };
        c.latencyMs = target(Key::LatencyMs);
        c.powerW = target(Key::PowerW);
        c.minAccuracy = target(Key::MinAccuracy);
    }
    return c;
}

void DashboardSettings::save(Key key, const QVariant& value)
{
    m_settings->setValue(keyName(key), value);
}

}  // namespace dofa
