// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <cstdint>

#include "supernet/subnet_arch.h"
#include "supernet/supernet_spec.h"

namespace dofa {

/// The current level's sub-network drawn per stage: each active block a box whose width grows
/// with its kernel size and whose height grows with its expand ratio (labelled k/e), skipped
/// blocks greyed, and the input resolution, MACs and parameters above. Repaints only when the
/// arch changes.
class SubnetDiagramView : public QWidget
{
    Q_OBJECT
public:
    explicit SubnetDiagramView(QWidget* parent = nullptr);

    void setSpec(const SupernetSpec& spec);
    /// Shows `arch` as level `level` (-1 and an empty arch: nothing running).
    void setArch(const SubnetArch& arch, int level);

    [[nodiscard]] const SubnetArch& shownArch() const { return m_arch; }
    [[nodiscard]] int shownLevel() const { return m_level; }
    /// The header line as painted ("level 3 · r28 · 1.23 M MACs · 98.1 k params"), for tests.
    [[nodiscard]] QString headerText() const;

    /// The captions above the columns as painted at the current width, two lines per column
    /// (input, then each stage), each shortened until it fits its column (for tests).
    [[nodiscard]] QStringList captions() const;

    [[nodiscard]] QSize sizeHint() const override { return {420, 260}; }
    [[nodiscard]] QSize minimumSizeHint() const override { return {240, 160}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    [[nodiscard]] double columnWidth() const;

    SupernetSpec m_spec;
    SubnetArch m_arch;
    int m_level = -1;
    std::int64_t m_macs = 0, m_params = 0;
};

}  // namespace dofa
