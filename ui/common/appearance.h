#pragma once

#include <QPalette>
#include <QString>

namespace ServeDeck {

// The console's language and theme: applied to the whole application at once and remembered
// (QSettings) for the next start. Language works through a translator installed after the one
// the program loaded for the system locale, so it wins; "System" removes it again.
class Appearance final
{
public:
    enum class Language { System, English, Korean };
    enum class Theme { System, Light, Dark };

    Appearance() = delete;

    static Language language();
    static Theme theme();
    // False, with nothing changed, when the Korean translation is not in this build (:/i18n).
    static bool setLanguage(Language language);
    static void setTheme(Theme theme);
    // What was remembered, applied once per process (the first window calls it).
    static void restore();

    // The palettes the themes set, Fusion style for both.
    static QPalette lightPalette();
    static QPalette darkPalette();
    static bool isDark(const QPalette &palette);

    // Where the compiled translations are looked for.
    static QString translationPath(Language language);
};

} // namespace ServeDeck
