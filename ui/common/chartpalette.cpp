#include "chartpalette.h"

#include <QtCharts/QAbstractAxis>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>

#include <QPalette>

namespace ServeDeck {

namespace {
bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}
} // namespace

void applyChartPalette(QChart *chart, const QPalette &palette)
{
    // setTheme resets fonts, pens and brushes; the sizes and colours chosen here come back after.
    const QFont title = chart->titleFont();
    const QFont legend = chart->legend()->font();
    chart->setTheme(isDarkPalette(palette) ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundRoundness(0);
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setTitleFont(title);
    chart->setTitleBrush(palette.color(QPalette::WindowText));
    chart->legend()->setFont(legend);
    chart->legend()->setLabelColor(palette.color(QPalette::WindowText));
    for (QAbstractAxis *axis : chart->axes()) {
        axis->setLabelsFont(legend);
        axis->setLabelsColor(palette.color(QPalette::WindowText));
        axis->setTitleBrush(palette.color(QPalette::WindowText));
        axis->setTitleFont(legend);
    }
}

} // namespace ServeDeck
