// SPDX-License-Identifier: MIT
// Shown whenever the SIMULATED board stands in for real sensors and knobs.
import QtQuick

Rectangle {
    implicitWidth: label.implicitWidth + 24
    implicitHeight: 36
    radius: 6
    color: Theme.simulated

    Text {
        id: label
        anchors.centerIn: parent
        text: "SIMULATED"
        color: "black"
        font.pixelSize: Theme.fontNormal
        font.bold: true
    }
}
