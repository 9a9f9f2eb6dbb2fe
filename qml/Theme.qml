// SPDX-License-Identifier: MIT
// Colours and sizes of the kiosk. Touch targets are at least 48 px (Theme.touch).
pragma Singleton
import QtQuick

QtObject {
    readonly property int touch: 52
    readonly property int gap: 8
    readonly property int fontSmall: 13
    readonly property int fontNormal: 17
    readonly property int fontLarge: 22
    readonly property color background: "#121418"
    readonly property color panel: "#1d2026"
    readonly property color text: "#e8eaed"
    readonly property color dim: "#8a9099"
    readonly property color accent: "#4da3ff"
    readonly property color good: "#3ccf6e"
    readonly property color bad: "#ff5a4f"
    readonly property color current: "#ff9a1f"
    readonly property color simulated: "#e0a000"
    // The mapping libraries' lines on the Pareto chart, in turn (accent is "as configured").
    readonly property var libraries: ["#2ec4b6", "#b58cff", "#d9a05b", "#ff6fb5", "#b5c43c",
                                      "#8e96d6"]
}
