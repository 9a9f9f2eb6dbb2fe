// SPDX-License-Identifier: MIT
// Live video with the newest frame's classification over it.
import QtQuick
import Dofa.Kiosk 1.0

Rectangle {
    id: panel

    property DashboardController controller
    property alias frame: video

    color: "black"
    radius: 4
    clip: true

    VideoFrame {
        id: video
        objectName: "videoFrame"
        anchors.fill: parent
        controller: panel.controller
    }
    Text {
        anchors.centerIn: parent
        visible: !video.hasFrame
        text: qsTr("no video")
        color: Theme.dim
        font.pixelSize: Theme.fontNormal
    }
    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: overlay.implicitHeight + 12
        color: "#b0000000"
        visible: video.topLabel !== ""

        Column {
            id: overlay
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.margins: 8
            anchors.verticalCenter: parent.verticalCenter
            spacing: 2

            Text {
                objectName: "topLabel"
                width: parent.width
                elide: Text.ElideRight
                text: video.topLabel + "  " + (isNaN(video.topScore)
                                               ? "—" : (video.topScore * 100).toFixed(1) + " %")
                color: video.truthLabel === "" ? Theme.text : (video.correct ? Theme.good : Theme.bad)
                font.pixelSize: Theme.fontLarge
                font.bold: true
            }
            Text {
                width: parent.width
                elide: Text.ElideRight
                visible: video.truthLabel !== ""
                text: qsTr("truth: %1").arg(video.truthLabel)
                color: Theme.dim
                font.pixelSize: Theme.fontSmall
            }
            Text {
                width: parent.width
                elide: Text.ElideRight
                visible: panel.controller !== null && !isNaN(panel.controller.runningTop1)
                text: panel.controller
                      ? qsTr("running top-1 %1 %").arg(panel.controller.runningTop1.toFixed(2))
                      : ""
                color: Theme.dim
                font.pixelSize: Theme.fontSmall
            }
        }
    }
}
