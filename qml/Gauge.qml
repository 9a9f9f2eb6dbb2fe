// SPDX-License-Identifier: MIT
// A 240-degree dial for a measured value against its range and target. Unknown (NaN) shows
// "—" and an empty dial. Repainted when the value changes (at the controller's tick), no
// animation.
import QtQuick

Rectangle {
    id: gauge

    property string label
    property string unit
    property int decimals: 1
    property real value: NaN     // NaN: not measured
    property real maximum: 0     // 0: no range known
    property real target: 0      // 0: no target
    readonly property bool known: !isNaN(value)
    readonly property string valueText: known ? value.toFixed(decimals) : "—"
    readonly property bool overTarget: known && target > 0 && value > target

    color: Theme.panel
    radius: 4

    onValueChanged: dial.requestPaint()
    onMaximumChanged: dial.requestPaint()
    onTargetChanged: dial.requestPaint()

    Canvas {
        id: dial
        anchors.fill: parent
        anchors.margins: 6
        anchors.bottomMargin: 24
        renderStrategy: Canvas.Immediate

        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            const r = Math.min(width, height) / 2 - 8
            if (r <= 4)
                return
            const cx = width / 2, cy = height / 2 + r * 0.15
            const start = Math.PI * 5 / 6, sweep = Math.PI * 4 / 3
            ctx.lineWidth = Math.max(6, r * 0.18)
            ctx.lineCap = "butt"
            ctx.strokeStyle = Theme.background
            ctx.beginPath()
            ctx.arc(cx, cy, r, start, start + sweep, false)
            ctx.stroke()
            if (gauge.maximum > 0 && gauge.known) {
                const f = Math.max(0, Math.min(1, gauge.value / gauge.maximum))
                ctx.strokeStyle = gauge.overTarget ? Theme.bad : Theme.good
                ctx.beginPath()
                ctx.arc(cx, cy, r, start, start + sweep * f, false)
                ctx.stroke()
            }
            if (gauge.maximum > 0 && gauge.target > 0) {
                const a = start + sweep * Math.min(1, gauge.target / gauge.maximum)
                ctx.strokeStyle = Theme.text
                ctx.lineWidth = 3
                ctx.beginPath()
                ctx.moveTo(cx + Math.cos(a) * (r - 14), cy + Math.sin(a) * (r - 14))
                ctx.lineTo(cx + Math.cos(a) * (r + 14), cy + Math.sin(a) * (r + 14))
                ctx.stroke()
            }
        }
    }
    Text {
        objectName: "valueText"
        anchors.centerIn: dial
        text: gauge.valueText
        color: gauge.overTarget ? Theme.bad : Theme.text
        font.pixelSize: Theme.fontLarge
        font.bold: true
    }
    Text {
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 4
        text: gauge.label + " (" + gauge.unit + ")"
        color: Theme.dim
        font.pixelSize: Theme.fontSmall
    }
}
