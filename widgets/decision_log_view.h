// SPDX-License-Identifier: MIT
#pragma once

#include <QTableWidget>
#include <cstdint>
#include <vector>

namespace dofa {

struct LiveDecision;

/// The runtime manager's last decisions, newest first: time, frame, level change and reason.
/// Rebuilt only when a new decision arrived.
class DecisionLogView : public QTableWidget
{
    Q_OBJECT
public:
    explicit DecisionLogView(QWidget* parent = nullptr);

    void showDecisions(const std::vector<LiveDecision>& decisions);

private:
    std::size_t m_count = 0;
    std::int64_t m_lastFrame = -1;
    double m_lastTime = -1;
};

}  // namespace dofa
