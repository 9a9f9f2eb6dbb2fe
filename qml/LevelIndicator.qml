// SPDX-License-Identifier: MIT
// The running level among the profile's levels: one cell per level, the current one lit.
import QtQuick

Item {
    id: indicator

    property int level: -1      // -1: nothing running
    property int levelCount: 0
    readonly property string text: level >= 0
                                   ? qsTr("level %1 / %2").arg(level).arg(levelCount - 1)
                                   : qsTr("level —")
    // For tests and screenshots: the cell drawn as current, -1 when none.
    readonly property int litCell: {
        for (let i = 0; i < cells.count; ++i) {
            const cell = cells.itemAt(i)
            if (cell && cell.lit)
                return i
        }
        return -1
    }

    implicitHeight: 48

    Text {
        id: caption
        anchors.left: parent.left
        anchors.verticalCenter: parent.verticalCenter
        width: 130
        text: indicator.text
        color: Theme.text
        font.pixelSize: Theme.fontNormal
    }
    Row {
        anchors.left: caption.right
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        height: parent.height * 0.6
        spacing: 3

        Repeater {
            id: cells
            model: Math.max(0, indicator.levelCount)

            Rectangle {
                required property int index
                readonly property bool lit: index === indicator.level

                width: Math.max(8, (parent.width - (cells.count - 1) * 3) / Math.max(1, cells.count))
                height: parent.height
                radius: 3
                color: lit ? Theme.current : Theme.panel
                border.color: lit ? Theme.text : Theme.dim
                border.width: 1

                Text {
                    anchors.centerIn: parent
                    text: parent.index
                    color: parent.lit ? Theme.background : Theme.dim
                    font.pixelSize: Theme.fontSmall
                    visible: parent.width >= 16
                }
            }
        }
    }
}
