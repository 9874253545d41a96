#pragma once

#include <optional>

#include <QList>
#include <QWidget>

namespace ServeDeck {

// The hour-of-week heat map: 7 rows (Monday first) of 24 hours, each cell's colour from the
// theme by its value against the largest, an empty cell muted; a legend under the grid; the
// value of a cell in its tooltip. Painted, so it stays one cheap widget.
class UsageHeatMap final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageHeatMap)

public:
    static constexpr int kDays = 7;
    static constexpr int kHours = 24;
    static constexpr int kCells = kDays * kHours;

    enum class Measure { RequestsPerSecond, Replicas };

    explicit UsageHeatMap(QWidget *parent = nullptr);

    // kCells values (fewer are padded with none), Monday 00:00 first.
    void setValues(Measure measure, const QList<std::optional<double>> &values);
    Measure measure() const { return m_measure; }
    std::optional<double> value(int cell) const { return m_values.value(cell); }
    // The largest value (the legend's top); 0 without any.
    double maximum() const { return m_maximum; }
    // The cell under a point, -1 outside the grid.
    int cellAt(const QPoint &point) const;
    // Where a cell is drawn.
    QRect cellRect(int cell) const;
    // What a cell's tooltip says.
    QString cellText(int cell) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect gridRect() const;
    QColor colorFor(const std::optional<double> &value) const;

    Measure m_measure = Measure::RequestsPerSecond;
    QList<std::optional<double>> m_values;
    double m_maximum = 0;
};

} // namespace ServeDeck
