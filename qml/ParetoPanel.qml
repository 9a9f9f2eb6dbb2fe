// SPDX-License-Identifier: MIT
// The profile's accuracy/latency trade-off: candidates faint, the levels on their front, the
// running level highlighted, the targets as dashed lines. A profile with mapping operating
// points adds one line per level library (its front on that mapping), the running library's
// line bold, with a legend of the libraries. ParetoFeeder (C++) fills the series and gives the
// axes from the controller's profile; nothing is computed here.
import QtQuick
import QtCharts
import Dofa.Kiosk 1.0

ChartView {
    id: chart

    property DashboardController controller
    readonly property alias feeder: feeder
    /// The line series of the mapping libraries, as feeder.libraryNames (made here, filled by
    /// the feeder).
    property var librarySeries: []
    /// The current-level marker, made after the library lines so that it is drawn over them.
    property var currentSeries: null

    function rebuildLibraries() {
        for (let i = 0; i < librarySeries.length; ++i)
            chart.removeSeries(librarySeries[i])
        const made = []
        const names = feeder.libraryNames
        for (let i = 0; i < names.length; ++i) {
            const series = chart.createSeries(ChartView.SeriesTypeLine, names[i], xAxis, yAxis)
            series.color = Theme.libraries[i % Theme.libraries.length]
            series.pointsVisible = true
            made.push(series)
        }
        librarySeries = made
        feeder.attachLibraries(made)
        // Series are drawn in the order they were made: the marker again, last.
        if (currentSeries)
            chart.removeSeries(currentSeries)
        currentSeries = chart.createSeries(ChartView.SeriesTypeScatter, qsTr("current level"),
                                           xAxis, yAxis)
        currentSeries.markerSize = 20
        currentSeries.color = Theme.current
        currentSeries.borderColor = Theme.text
        feeder.attachCurrent(currentSeries)
        restyleLibraries()
    }

    // The running library bold, the others thin; all alike while nothing runs.
    function restyleLibraries() {
        const any = feeder.highlightedLibrary !== ""
        levels.width = any && feeder.currentLibrary < 0 ? 4 : 2
        for (let i = 0; i < librarySeries.length; ++i)
            librarySeries[i].width = !any ? 2 : (i === feeder.currentLibrary ? 4 : 1.5)
    }

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
    Connections {
        target: feeder
        function onLibrariesChanged() { chart.rebuildLibraries() }
        function onCurrentChanged() { chart.restyleLibraries() }
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

    Component.onCompleted: {
        feeder.attach(candidates, levels, null, latencyTarget, minAccuracy)
        rebuildLibraries()
    }

    // The libraries' legend, lower right of the plot above the current level's text (slow and
    // inaccurate: empty on a Pareto chart). Only with mappings; the series legend stays off
    // (too big for 7 inches).
    Rectangle {
        objectName: "libraryLegend"
        visible: feeder.libraryNames.length > 0
        anchors.right: currentLabel.right
        anchors.bottom: currentLabel.top
        anchors.bottomMargin: 6
        width: legendColumn.implicitWidth + 12
        height: legendColumn.implicitHeight + 8
        radius: 4
        // The panel's colour, a little see-through: readable where a line passes under it.
        color: Qt.rgba(Theme.panel.r, Theme.panel.g, Theme.panel.b, 0.85)

        Column {
            id: legendColumn
            anchors.centerIn: parent
            spacing: 2

            Repeater {
                // Row 0 is the levels' own line, "as configured"; then the mappings.
                model: feeder.libraryNames.length + 1
                Row {
                    required property int index
                    readonly property bool bold: index === 0
                        ? feeder.highlightedLibrary !== "" && feeder.currentLibrary < 0
                        : feeder.currentLibrary === index - 1
                    spacing: 6
                    Rectangle {
                        anchors.verticalCenter: parent.verticalCenter
                        width: 16
                        height: parent.bold ? 4 : 2
                        color: parent.index === 0
                            ? Theme.accent
                            : Theme.libraries[(parent.index - 1) % Theme.libraries.length]
                    }
                    Text {
                        text: parent.index === 0 ? qsTr("as configured")
                                                 : feeder.libraryNames[parent.index - 1]
                        color: Theme.text
                        font.pixelSize: Theme.fontSmall
                        font.bold: parent.bold
                    }
                }
            }
        }
    }

    Text {
        id: currentLabel
        objectName: "currentText"
        width: chart.plotArea.width - 16  // a long library name wraps inside the plot
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignRight
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
