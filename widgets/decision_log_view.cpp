// SPDX-License-Identifier: MIT
#include "decision_log_view.h"

#include <QHeaderView>

#include "live/live_snapshot.h"

namespace dofa {

DecisionLogView::DecisionLogView(QWidget* parent) : QTableWidget(0, 4, parent)
{
    setHorizontalHeaderLabels({tr("t (s)"), tr("frame"), tr("level"), tr("reason")});
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setWordWrap(false);
    setAlternatingRowColors(true);
}

void DecisionLogView::showDecisions(const std::vector<LiveDecision>& decisions)
{
    const std::int64_t lastFrame = decisions.empty() ? -1 : decisions.back().frame;
    const double lastTime = decisions.empty() ? -1 : decisions.back().tSeconds;
    if (decisions.size() == m_count && lastFrame == m_lastFrame && lastTime == m_lastTime) {
        return;
    }
    m_count = decisions.size();
    m_lastFrame = lastFrame;
    m_lastTime = lastTime;

    setUpdatesEnabled(false);
    setRowCount(static_cast<int>(decisions.size()));
    int row = 0;
    for (auto it = decisions.rbegin(); it != decisions.rend(); ++it, ++row) {
        const LiveDecision& d = *it;
        const QString change = d.fromLevel == d.toLevel
                                   ? QStringLiteral("%1").arg(d.toLevel)
                                   : QStringLiteral("%1 → %2").arg(d.fromLevel).arg(d.toLevel);
        const QString texts[] = {QString::number(d.tSeconds, 'f', 1), QString::number(d.frame),
                                 change, d.reason};
        for (int column = 0; column < 4; ++column) {
            QTableWidgetItem* cell = item(row, column);
            if (cell == nullptr) {
                cell = new QTableWidgetItem();
                setItem(row, column, cell);
            }
            cell->setText(texts[column]);
            cell->setToolTip(column == 3 ? d.reason : QString());
        }
    }
    setUpdatesEnabled(true);
}

}  // namespace dofa
