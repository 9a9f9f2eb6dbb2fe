// SPDX-License-Identifier: MIT
// The controller's message (a missing camera, a bad file, a mismatched profile); tap to hide
// it until the next message.
import QtQuick

Rectangle {
    id: banner

    property string text
    property bool dismissed: false

    onTextChanged: dismissed = false
    visible: text !== "" && !dismissed
    z: 10
    height: Math.max(Theme.touch, label.implicitHeight + 16)
    radius: 6
    color: "#e6402a1f"
    border.color: Theme.bad

    Text {
        id: label
        anchors.fill: parent
        anchors.margins: 8
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
