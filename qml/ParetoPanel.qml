// SPDX-License-Identifier: MIT
// The profile's accuracy/latency trade-off: candidates faint, the levels on their front, the
// running level highlighted, the targets as dashed lines. ParetoFeeder (C++) fills the series
// from the controller's profile; nothing is computed here.
import QtQuick
import QtCharts
import Dofa.Kiosk 1.0

ChartView {
    id: chart

    property DashboardController controller
    readonly property alias feeder: feeder

    antialiasing: true
    animationOptions: ChartView.NoAnimation
    theme: ChartView.ChartThemeDark
    backgroundColor: Theme.panel
    backgroundRoundness: 4
    legend.visible: false
    margins.top: 4
    margins.bottom: 4
    margins.left: 4
    margins.right: 4

    ParetoFeeder {
        id: feeder
        controller: chart.controller
    }

    ValueAxis {
        id: xAxis
        min: 0
        max: feeder.latencyAxisMax
        titleText: qsTr("latency (ms)")
        labelFormat: "%.1f"
        labelsFont.pixelSize: Theme.fontSmall
        tickCount: 5
    }
    ValueAxis {
        id: yAxis
        min: feeder.accuracyAxisMin
        max: feeder.accuracyAxisMax
        titleText: qsTr("top-1 (%)")
        labelFormat: "%.0f"
        labelsFont.pixelSize: Theme.fontSmall
        tickCount: 5
    }

    ScatterSeries {
        id: candidates
        name: qsTr("candidates")
        axisX: xAxis
        axisY: yAxis
        markerSize: 5
        color: "#40a0a8b0"
        borderColor: "transparent"
    }
    LineSeries {
        id: levels
        name: qsTr("levels")
        axisX: xAxis
        axisY: yAxis
        color: Theme.accent
        width: 2
        pointsVisible: true
    }
    LineSeries {
        id: latencyTarget
        name: qsTr("latency target")
        axisX: xAxis
        axisY: yAxis
        color: Theme.bad
        width: 2
        style: Qt.DashLine
    }
    LineSeries {
        id: minAccuracy
        name: qsTr("min accuracy")
        axisX: xAxis
        axisY: yAxis
        color: Theme.good
        width: 2
        style: Qt.DashLine
    }
    ScatterSeries {
        id: current
        name: qsTr("current level")
        axisX: xAxis
        axisY: yAxis
        markerSize: 20
        color: Theme.current
        borderColor: Theme.text
    }

    Component.onCompleted: feeder.attach(candidates, levels, current, latencyTarget, minAccuracy)

    Text {
        objectName: "currentText"
        // Lower right of the plot: empty on a Pareto chart (nothing is slow and inaccurate),
        // while the running level is often top right.
        anchors.bottom: parent.bottom
        anchors.right: parent.right
        anchors.bottomMargin: 56
        anchors.rightMargin: 24
        text: feeder.currentText
        color: Theme.current
        font.pixelSize: Theme.fontNormal
    }
}
