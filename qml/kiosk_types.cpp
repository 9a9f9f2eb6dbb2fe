// SPDX-License-Identifier: MIT
#include "kiosk_types.h"

#include <QtQml>

#include "kiosk_log.h"
#include "live/dashboard_controller.h"
#include "pareto_feeder.h"
#include "video_item.h"

namespace dofa {

void registerKioskTypes()
{
    static const bool registered = [] {
        const char* uri = "Dofa.Kiosk";
        qmlRegisterType<VideoItem>(uri, 1, 0, "VideoFrame");
        qmlRegisterType<ParetoFeeder>(uri, 1, 0, "ParetoFeeder");
        qmlRegisterUncreatableType<DashboardController>(
            uri, 1, 0, "DashboardController",
            QStringLiteral("the dashboard creates the one DashboardController"));
        return true;
    }();
    Q_UNUSED(registered);
}

DashboardController* controllerFromQml(QObject* object, const char* property)
{
    auto* controller = qobject_cast<DashboardController*>(object);
    if (object && !controller) {
        qCWarning(lcKiosk, "%s: %s is not a DashboardController", property,
                  object->metaObject()->className());
    }
    return controller;
}

}  // namespace dofa
