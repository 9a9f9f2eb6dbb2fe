// SPDX-License-Identifier: MIT
#pragma once

class QObject;

namespace dofa {

class DashboardController;

/// Registers the kiosk's C++ types for QML under `import Dofa.Kiosk 1.0`: VideoFrame,
/// ParetoFeeder and DashboardController (not creatable from QML). Idempotent; KioskWindow calls
/// it, and so do QML tests that load the kiosk's components on their own engine.
/// (Qt 6.4 has no loadFromModule, so the QML files ship in the qrc under kKioskQmlUrl and the
/// C++ types are registered by hand.)
void registerKioskTypes();

/// `object` as the controller a QML property was bound to; null (with a warning naming
/// `property`) when it is something else, so a wrong binding is seen, not silently ignored.
DashboardController* controllerFromQml(QObject* object, const char* property);

/// The folder of the kiosk's QML files in the resources: `import "qrc:/dofa/kiosk"`.
inline constexpr const char* kKioskQmlUrl = "qrc:/dofa/kiosk";

}  // namespace dofa
