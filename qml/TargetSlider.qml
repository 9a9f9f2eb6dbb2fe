// SPDX-License-Identifier: MIT
// One target (latency, power budget, minimum accuracy) as a touch slider. Its leftmost tenth
// is the "off" position: a value there is requested as 0, which the controller reads as
// "no target". The slider shows the controller's value (target), and asks for a new one with
// requested(value); the controller's change comes back through target.
import QtQuick
import QtQuick.Controls

Rectangle {
    id: box

    property string label
    property string unit
    property int decimals: 1
    property real target: 0      // the controller's value, 0: off
    property real minimum: 0     // smallest target the slider offers
    property real maximum: 0     // largest; a range of width 0 (nothing to target) disables it
    property alias slider: slider
    readonly property bool usable: maximum > minimum
    readonly property string valueText: !usable ? qsTr("not available")
                                                : (target > 0 ? target.toFixed(decimals) + " " + unit
                                                              : qsTr("off"))

    signal requested(real value)

    color: Theme.panel
    radius: 4
    enabled: usable

    Text {
        id: caption
        anchors.left: parent.left
        anchors.top: parent.top
        anchors.margins: 6
        anchors.leftMargin: 12
        text: box.label
        color: Theme.dim
        font.pixelSize: Theme.fontSmall
    }
    Text {
        objectName: "valueText"
        anchors.right: parent.right
        anchors.top: parent.top
        anchors.margins: 6
        anchors.rightMargin: 12
        text: box.valueText
        color: box.target > 0 ? Theme.text : Theme.dim
        font.pixelSize: Theme.fontNormal
        font.bold: box.target > 0
    }

    Slider {
        id: slider
        objectName: "slider"

        readonly property real offZone: box.usable ? (box.maximum - box.minimum) * 0.1 : 1

        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        height: Theme.touch + 8
        from: box.minimum - offZone
        to: box.usable ? box.maximum : box.minimum
        value: box.target > 0 ? box.target : from
        live: true
        onMoved: box.requested(value < box.minimum ? 0 : value)

        background: Item {
            x: slider.leftPadding
            y: slider.topPadding + slider.availableHeight / 2 - height / 2
            width: slider.availableWidth
            height: 8

            Rectangle {
                anchors.fill: parent
                radius: 4
                color: Theme.background
            }
            // The off zone, left of the smallest target.
            Rectangle {
                width: parent.width * (slider.offZone / Math.max(1e-9, slider.to - slider.from))
                height: parent.height
                radius: 4
                color: Theme.dim
                opacity: 0.5
            }
            Rectangle {
                visible: box.target > 0
                width: slider.visualPosition * parent.width
                height: parent.height
                radius: 4
                color: Theme.accent
            }
        }
        handle: Rectangle {
            x: slider.leftPadding + slider.visualPosition * (slider.availableWidth - width)
            y: slider.topPadding + slider.availableHeight / 2 - height / 2
            implicitWidth: Theme.touch
            implicitHeight: Theme.touch
            radius: width / 2
            color: slider.pressed ? Theme.accent : Theme.text
            border.color: Theme.accent
            border.width: 2
            opacity: box.usable ? 1 : 0.3
        }
    }
}
