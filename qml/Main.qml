// SPDX-License-Identifier: MIT
// The kiosk of dofa-dashboard --kiosk: one screen for a board's 7-inch display (800x480 or
// 1024x600). A view only: every value comes from the DashboardController, every control writes
// back through its properties. No animations on streaming values.
import QtQuick
import QtQuick.Layouts
import Dofa.Kiosk 1.0

Rectangle {
    id: root

    required property DashboardController controller

    width: 1024
    height: 600
    color: Theme.background

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.gap
        spacing: Theme.gap

        // Header: what runs, where, how fast.
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: false  // a nested layout fills by default
            Layout.preferredHeight: Theme.touch
            spacing: Theme.gap * 2

            Text {
                text: "dofa"
                color: Theme.accent
                font.pixelSize: Theme.fontLarge
                font.bold: true
            }
            LevelIndicator {
                id: levelIndicator
                objectName: "levelIndicator"
                Layout.fillWidth: true
                Layout.fillHeight: true
                level: root.controller.level
                levelCount: root.controller.levelCount
            }
            Text {
                objectName: "fpsText"
                text: root.controller.running
                      ? root.controller.fps.toFixed(1) + " fps"
                      : qsTr("stopped")
                color: Theme.text
                font.pixelSize: Theme.fontNormal
            }
            SimulatedBadge {
                objectName: "simulatedBadge"
                visible: root.controller.simulated
            }
        }

        MessageBanner {
            objectName: "messageBanner"
            Layout.fillWidth: true
            Layout.preferredHeight: implicitHeight
            text: root.controller.message
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            RowLayout {
                anchors.fill: parent
                spacing: Theme.gap

                VideoPanel {
                    objectName: "videoPanel"
                    controller: root.controller
                    Layout.fillHeight: true
                    Layout.preferredWidth: Math.min(height, root.width * 0.32)
                }
                ParetoPanel {
                    objectName: "paretoPanel"
                    controller: root.controller
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                }
                ColumnLayout {
                    Layout.fillHeight: true
                    Layout.fillWidth: false  // the chart takes the width left
                    Layout.preferredWidth: Math.max(130, root.width * 0.16)
                    spacing: Theme.gap

                    Gauge {
                        objectName: "latencyGauge"
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        label: qsTr("latency")
                        unit: "ms"
                        decimals: 2
                        value: root.controller.latencyMs
                        maximum: root.controller.latencyMaxMs
                        target: root.controller.latencyTargetMs
                    }
                    Gauge {
                        objectName: "powerGauge"
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        label: qsTr("power")
                        unit: "W"
                        decimals: 2
                        value: root.controller.powerW
                        maximum: root.controller.powerMaxW
                        target: root.controller.powerBudgetW
                    }
                }
            }

        }

        // The three targets; the leftmost position of each is "off".
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: false
            Layout.preferredHeight: Theme.touch * 2
            spacing: Theme.gap

            TargetSlider {
                objectName: "latencySlider"
                Layout.fillWidth: true
                Layout.fillHeight: true
                label: qsTr("latency target")
                unit: "ms"
                decimals: 2
                minimum: root.controller.latencyMaxMs * 0.02
                maximum: root.controller.latencyMaxMs
                target: root.controller.latencyTargetMs
                onRequested: function (value) { root.controller.latencyTargetMs = value }
            }
            TargetSlider {
                objectName: "powerSlider"
                Layout.fillWidth: true
                Layout.fillHeight: true
                label: qsTr("power budget")
                unit: "W"
                decimals: 2
                minimum: root.controller.powerMaxW * 0.02
                maximum: root.controller.powerMaxW
                target: root.controller.powerBudgetW
                onRequested: function (value) { root.controller.powerBudgetW = value }
            }
            TargetSlider {
                objectName: "accuracySlider"
                Layout.fillWidth: true
                Layout.fillHeight: true
                label: qsTr("min accuracy")
                unit: "%"
                decimals: 1
                minimum: root.controller.accuracyMin
                maximum: root.controller.accuracyMax
                target: root.controller.minAccuracy
                onRequested: function (value) { root.controller.minAccuracy = value }
            }
        }
    }
}
