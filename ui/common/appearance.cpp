#include "appearance.h"

#include <QApplication>
#include <QPointer>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QTranslator>

namespace ServeDeck {

namespace {

const QString kOrganization = QStringLiteral("ServeDeck");
const QString kLanguageKey = QStringLiteral("appearance/language");
const QString kThemeKey = QStringLiteral("appearance/theme");
const QStringList kLanguageNames{QStringLiteral("system"), QStringLiteral("en"), QStringLiteral("ko")};
const QStringList kThemeNames{QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")};

QSettings settings()
{
    return QSettings(kOrganization, QCoreApplication::applicationName());
}

// English is the source text: a translator that answers every lookup with it hides whatever
// translation the program loaded for the system locale.
class SourceTextTranslator final : public QTranslator
{
public:
    using QTranslator::QTranslator;
    QString translate(const char *, const char *sourceText, const char *, int) const override
    {
        return QString::fromUtf8(sourceText);
    }
    bool isEmpty() const override { return false; }
};

struct State
{
    QPointer<QTranslator> translator;
    bool restored = false;
    bool systemSaved = false;
    QString systemStyle;
    QPalette systemPalette;
};

State &state()
{
    static State s;
    return s;
}

void saveSystemLook()
{
    State &s = state();
    if (s.systemSaved)
        return;
    s.systemSaved = true;
    s.systemStyle = QApplication::style()->name();
    s.systemPalette = QApplication::palette();
}

} // namespace

QString Appearance::translationPath(Language language)
{
    return language == Language::Korean ? QStringLiteral(":/i18n/servedeck_ko.qm") : QString();
}

Appearance::Language Appearance::language()
{
    const auto i = kLanguageNames.indexOf(settings().value(kLanguageKey).toString());
    return i < 0 ? Language::System : Language(i);
}

Appearance::Theme Appearance::theme()
{
    const auto i = kThemeNames.indexOf(settings().value(kThemeKey).toString());
    return i < 0 ? Theme::System : Theme(i);
}

bool Appearance::setLanguage(Language language)
{
    State &s = state();
    QTranslator *next = nullptr;
    if (language == Language::English) {
        next = new SourceTextTranslator(qApp);
    } else if (language == Language::Korean) {
        auto *korean = new QTranslator(qApp);
        if (!korean->load(translationPath(language))) {
            delete korean;
            return false;
        }
        next = korean;
    }
    // The new one first, then the old one out: each sends one LanguageChange, and windows
    // rebuild their texts once the last has arrived.
    if (next)
        QCoreApplication::installTranslator(next);
    if (s.translator) {
        QCoreApplication::removeTranslator(s.translator);
        delete s.translator;
    }
    s.translator = next;
    settings().setValue(kLanguageKey, kLanguageNames.at(int(language)));
    return true;
}

QPalette Appearance::lightPalette()
{
    QStyle *fusion = QStyleFactory::create(QStringLiteral("Fusion"));
    const QPalette palette = fusion ? fusion->standardPalette() : QPalette();
    delete fusion;
    return palette;
}

QPalette Appearance::darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6e, 0x6e));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4c));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x40));
    p.setColor(QPalette::Mid, QColor(0x24, 0x25, 0x28));
    p.setColor(QPalette::Dark, QColor(0x19, 0x1a, 0x1c));
    p.setColor(QPalette::Shadow, QColor(0x10, 0x10, 0x10));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xba));
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Link, QColor(0x64, 0xb5, 0xf6));
    p.setColor(QPalette::LinkVisited, QColor(0xba, 0x68, 0xc8));
    for (const QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x45, 0x48, 0x4c));
    return p;
}

bool Appearance::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

void Appearance::setTheme(Theme theme)
{
    saveSystemLook();
    const State &s = state();
    switch (theme) {
    case Theme::System:
        QApplication::setStyle(s.systemStyle);
        QApplication::setPalette(s.systemPalette);
        break;
    case Theme::Light:
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(lightPalette());
        break;
    case Theme::Dark:
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(darkPalette());
        break;
    }
    settings().setValue(kThemeKey, kThemeNames.at(int(theme)));
}

void Appearance::restore()
{
    State &s = state();
    if (s.restored)
        return;
    s.restored = true;
    saveSystemLook();
    if (const Language l = language(); l != Language::System)
        setLanguage(l);
    if (const Theme t = theme(); t != Theme::System)
        setTheme(t);
}

} // namespace ServeDeck
