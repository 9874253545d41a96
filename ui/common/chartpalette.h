#pragma once

class QChart;
class QPalette;

namespace ServeDeck {

// Gives a chart the light or dark chart theme of the palette, with the palette's text and base
// colours, keeping the fonts it was given (setTheme resets them). Series pens are the caller's.
void applyChartPalette(QChart *chart, const QPalette &palette);

} // namespace ServeDeck
