// SPDX-License-Identifier: MIT
// The controller's message (a missing camera, a bad file, a profile from other hardware); tap
// to hide it until the next message. In Main.qml's column, so it pushes the panels down rather
// than covering the chart.
import QtQuick

Rectangle {
    id: banner

    property string text
    property bool dismissed: false

    onTextChanged: dismissed = false
    visible: text !== "" && !dismissed
    implicitHeight: Math.max(Theme.touch, label.implicitHeight + 12)
    radius: 6
    color: "#e6402a1f"
    border.color: Theme.bad

    Text {
        id: label
        anchors.fill: parent
        anchors.margins: 6
        anchors.leftMargin: 10
        anchors.rightMargin: 48
        verticalAlignment: Text.AlignVCenter
        text: banner.text
        wrapMode: Text.Wrap
        maximumLineCount: 3
        elide: Text.ElideRight
        color: Theme.text
        font.pixelSize: Theme.fontSmall
    }
    Text {
        anchors.right: parent.right
        anchors.rightMargin: 16
        anchors.verticalCenter: parent.verticalCenter
        text: "✕"
        color: Theme.dim
        font.pixelSize: Theme.fontLarge
    }
    MouseArea {
        anchors.fill: parent
        onClicked: banner.dismissed = true
    }
}
