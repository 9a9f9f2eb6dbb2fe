// SPDX-License-Identifier: MIT
// The shipped kiosk screen (qrc:/dofa/kiosk/Main.qml) over the real controller: sliders reach
// the controller, the SIMULATED badge shows, the level indicator follows the running level,
// gauges, chart and video show the run.
import QtQuick
import QtTest
import Dofa.Kiosk 1.0
import Dofa.Test 1.0  // LiveController, TestFiles

// The kiosk goes on this visible stage (a TestCase itself is not visible, so items under it get
// no mouse events).
Item {
    id: stage

    width: 1024
    height: 600

TestCase {
    id: testCase

    name: "Kiosk"
    when: windowShown

    property var kiosk: null

    // Where to press on a Controls slider so that it moves to `position` (0..1): the handle's
    // centre travels over availableWidth less the handle's width.
    function pointAt(slider, position) {
        const hw = slider.handle.width
        return Qt.point(slider.leftPadding + hw / 2 + position * (slider.availableWidth - hw),
                        slider.topPadding + slider.availableHeight / 2)
    }

    function dragTo(slider, position) {
        const from = pointAt(slider, slider.visualPosition)
        const to = pointAt(slider, position)
        mousePress(slider, from.x, from.y)
        mouseMove(slider, (from.x + to.x) / 2, to.y)
        mouseMove(slider, to.x, to.y)
        mouseRelease(slider, to.x, to.y)
    }

    function initTestCase() {
        const component = Qt.createComponent("qrc:/dofa/kiosk/Main.qml")
        verify(component.status === Component.Ready, component.errorString())
        // Not a temporary object: it lives for the whole test case.
        kiosk = component.createObject(stage,
                                       { controller: LiveController, width: 1024, height: 600 })
        verify(kiosk !== null, "Main.qml did not instantiate")
        // Positions come from the layouts: let them run before pressing anything.
        verify(waitForRendering(kiosk))
        tryVerify(function () { return LiveController.running && LiveController.level >= 0 },
                  20000, "the run did not start: " + LiveController.message)
    }

    function cleanupTestCase() {
        if (kiosk)
            kiosk.destroy()
    }

    function cleanup() {
        LiveController.latencyTargetMs = 0
        LiveController.powerBudgetW = 0
        LiveController.minAccuracy = 0
    }

    function test_latencySliderSetsControllerTarget() {
        const box = findChild(kiosk, "latencySlider")
        verify(box !== null)
        verify(box.usable, "latency slider has no range")
        const slider = box.slider
        verify(slider.handle.width >= 48, "handle too small to touch: " + slider.handle.width)
        compare(LiveController.latencyTargetMs, 0)
        compare(box.valueText, "off")

        dragTo(slider, 0.6)
        const expected = slider.from + 0.6 * (slider.to - slider.from)
        verify(LiveController.latencyTargetMs > 0, "target still off after the drag")
        fuzzyCompare(LiveController.latencyTargetMs, expected, (slider.to - slider.from) * 0.02)
        // The slider shows what the controller holds.
        compare(slider.value, LiveController.latencyTargetMs)
        compare(box.valueText, LiveController.latencyTargetMs.toFixed(2) + " ms")

        // The leftmost position turns the target off again.
        dragTo(slider, 0.02)
        compare(LiveController.latencyTargetMs, 0)
        compare(box.valueText, "off")
    }

    function test_accuracySliderOverProfileRange() {
        const box = findChild(kiosk, "accuracySlider")
        verify(box.usable)
        compare(box.minimum, LiveController.accuracyMin)
        compare(box.maximum, LiveController.accuracyMax)
        dragTo(box.slider, 1.0)
        fuzzyCompare(LiveController.minAccuracy, LiveController.accuracyMax, 0.05)
    }

    function test_simulatedBadgeVisible() {
        verify(LiveController.simulated, "the test runs the SIMULATED board")
        const badge = findChild(kiosk, "simulatedBadge")
        verify(badge !== null)
        verify(badge.visible)
        verify(badge.width >= 48 && badge.height >= 24, "badge " + badge.width + "x" + badge.height)
    }

    function test_levelIndicatorFollowsLevel() {
        const indicator = findChild(kiosk, "levelIndicator")
        verify(indicator !== null)
        compare(indicator.levelCount, LiveController.levelCount)
        tryVerify(function () { return indicator.litCell === LiveController.level }, 3000)

        // A target below the fastest level pushes the manager down; from level 0 a generous one
        // lets it climb. Either way the level changes and the indicator must follow.
        const before = LiveController.level
        const slider = findChild(kiosk, "latencySlider").slider
        const minimumPosition = (slider.offZone + 0.001) / (slider.to - slider.from)
        dragTo(slider, before > 0 ? minimumPosition : 1.0)
        verify(LiveController.latencyTargetMs > 0)
        tryVerify(function () { return LiveController.level >= 0 && LiveController.level !== before },
                  15000, "the level stayed at " + before)
        tryVerify(function () {
            return indicator.level === LiveController.level
                    && indicator.litCell === LiveController.level
        }, 3000, "indicator " + indicator.litCell + ", controller " + LiveController.level)
        compare(indicator.text, "level " + LiveController.level + " / " + (LiveController.levelCount - 1))
        // The chart's current-level marker moved with it.
        const chart = findChild(kiosk, "paretoPanel")
        tryVerify(function () {
            return chart.feeder.currentText.startsWith("level " + LiveController.level + ":")
        }, 3000, chart.feeder.currentText)
    }

    function test_gaugesShowMeasurements() {
        const latency = findChild(kiosk, "latencyGauge")
        const power = findChild(kiosk, "powerGauge")
        tryVerify(function () { return latency.known && power.known }, 5000,
                  "latency " + latency.valueText + ", power " + power.valueText)
        verify(latency.valueText !== "—")
        compare(latency.maximum, LiveController.latencyMaxMs)
        verify(power.maximum > 0)
    }

    function test_gaugeShowsUnknownAsDash() {
        // The Gauge type as Main.qml uses it, from the same qrc folder.
        const gauge = createTemporaryObject(Qt.createComponent("qrc:/dofa/kiosk/Gauge.qml"),
                                            stage, { value: NaN, maximum: 10 })
        verify(gauge !== null)
        compare(gauge.valueText, "—")
        gauge.value = 2.5
        compare(gauge.valueText, "2.5")
    }

    function test_paretoChartFedFromProfile() {
        const chart = findChild(kiosk, "paretoPanel")
        verify(chart.feeder.candidateCount > 0)
        // series(1) are the levels (see ParetoPanel.qml): one point per profile level.
        compare(chart.series(1).count, LiveController.levelCount)
        compare(chart.series(0).count, chart.feeder.candidateCount)
        // The frame holds every level (ParetoPlane::axes, as the widgets' chart) and widens
        // for a target beyond them, so that its line stays in view.
        let slowest = 0
        for (let i = 0; i < chart.series(1).count; ++i)
            slowest = Math.max(slowest, chart.series(1).at(i).x)
        verify(chart.feeder.latencyAxisMax > slowest)
        LiveController.latencyTargetMs = LiveController.latencyMaxMs
        verify(chart.feeder.latencyAxisMax > LiveController.latencyMaxMs)
        // The shipped profile has no mapping: the levels' line alone, no library legend.
        compare(chart.feeder.libraryNames.length, 0)
        compare(chart.librarySeries.length, 0)
        verify(!findChild(chart, "libraryLegend").visible)
    }

    function test_paretoChartShowsLevelLibraries() {
        // A profile with two mapping libraries (test::MappingProfile): one line each, filled
        // from the feeder; with the lookup policy and no target the manager runs level 7 on two
        // threads, and that library is drawn bold and named by the marker's text.
        const chart = findChild(kiosk, "paretoPanel")
        const policy = LiveController.policy
        LiveController.setPolicy("lookup")
        verify(LiveController.openModel(TestFiles.model, TestFiles.mappingProfile),
               LiveController.message)
        compare(chart.feeder.libraryNames, [TestFiles.oneThread, TestFiles.twoThreads])
        compare(chart.librarySeries.length, 2)
        compare(chart.librarySeries[0].name, TestFiles.oneThread)
        compare(chart.librarySeries[1].name, TestFiles.twoThreads)
        compare(chart.librarySeries[0].count, 8)
        compare(chart.librarySeries[1].count, 7)  // level 4 is off the two-thread front
        verify(findChild(chart, "libraryLegend").visible)
        tryVerify(function () {
            return LiveController.library === TestFiles.twoThreads && LiveController.level === 7
        }, 20000, "library '" + LiveController.library + "', level " + LiveController.level)
        tryVerify(function () { return chart.feeder.highlightedLibrary === TestFiles.twoThreads },
                  3000, chart.feeder.highlightedLibrary)
        compare(chart.feeder.currentLibrary, 1)
        verify(chart.librarySeries[1].width > chart.librarySeries[0].width)
        verify(chart.librarySeries[1].width > chart.series(1).width)
        verify(chart.feeder.currentText.startsWith("level 7: ")
               && chart.feeder.currentText.endsWith("on " + TestFiles.twoThreads),
               chart.feeder.currentText)
        // The marker sits on the library's point of level 7, drawn after (over) the lines.
        compare(chart.currentSeries.count, 1)
        compare(chart.currentSeries.at(0).x, chart.librarySeries[1].at(6).x)
        compare(chart.currentSeries.at(0).y, chart.librarySeries[1].at(6).y)
        compare(chart.series(chart.count - 1), chart.currentSeries)

        // Back to the shipped profile and the policy before.
        LiveController.setPolicy(policy)
        verify(LiveController.openModel(TestFiles.model, TestFiles.shippedProfile))
        compare(chart.feeder.libraryNames.length, 0)
        compare(chart.librarySeries.length, 0)
    }

    function test_messageBannerShowsControllerMessage() {
        const banner = findChild(kiosk, "messageBanner")
        verify(banner !== null)
        // A policy the controller does not have: it keeps its policy and says why.
        const policy = LiveController.policy
        LiveController.setPolicy("no-such-policy")
        compare(LiveController.policy, policy)
        tryVerify(function () { return LiveController.message.indexOf("no-such-policy") >= 0 }, 3000)
        compare(banner.text, LiveController.message)
        verify(banner.visible)
        // The banner was hidden until now: the column lays it out on its next polish, before
        // the frame is drawn. Until then it has no width and sits under the panels, where a tap
        // would land on them (a user only sees it, and taps it, after that frame).
        waitForItemPolished(banner.parent)
        verify(banner.width > 0)
        verify(banner.height >= 48)
        // A tap hides it until the next message.
        mouseClick(banner)
        verify(!banner.visible)
    }

    function test_videoShowsClassifiedFrames() {
        const panel = findChild(kiosk, "videoPanel")
        tryVerify(function () { return panel.frame.hasFrame && panel.frame.topLabel !== "" }, 5000)
        verify(panel.frame.topScore > 0 && panel.frame.topScore <= 1)
        verify(panel.frame.truthLabel !== "", "dataset replay has labels")
    }
}
}
