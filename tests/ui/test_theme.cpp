// The console's colours come from one theme: every role has a real colour in both the light and
// the dark palette, readable on that palette's background, and the one asked for without saying
// follows the application's palette. No view in ui/ writes a colour of its own.
#include <algorithm>
#include <cmath>

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QMetaEnum>
#include <QRegularExpression>
#include <QTest>

#include "ui/common/appearance.h"
#include "ui/common/theme.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

// WCAG relative luminance and contrast ratio (1 to 21).
double luminance(const QColor &c)
{
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// Against the palette's background. The dark values are chosen for it and meet WCAG AA for
// text (4.5:1); the light ones are the hues the console has always drawn, whose chart lines
// (orange at 600) sit at about 2.4:1, so the floor there only catches a colour gone wrong.
constexpr double kMinContrastLight = 2.3;
constexpr double kMinContrastDark = 4.5;

} // namespace

class TestTheme final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyRoleHasAColourInBothPalettes_data();
    void everyRoleHasAColourInBothPalettes();
    void followsTheApplicationPalette();
    void seriesCycles();
    void uiWritesNoColourOfItsOwn();
};

void TestTheme::everyRoleHasAColourInBothPalettes_data()
{
    QTest::addColumn<int>("role");
    const QMetaEnum roles = QMetaEnum::fromType<Theme::Role>();
    QCOMPARE(roles.keyCount(), Theme::RoleCount);
    for (int r = 0; r < Theme::RoleCount; ++r)
        QTest::newRow(roles.valueToKey(r)) << r;
}

void TestTheme::everyRoleHasAColourInBothPalettes()
{
    QFETCH(int, role);
    const auto theRole = Theme::Role(role);
    const QColor light = Theme::color(theRole, false);
    const QColor dark = Theme::color(theRole, true);
    QVERIFY(light.isValid());
    QVERIFY(dark.isValid());
    QCOMPARE(light.alpha(), 255);
    QCOMPARE(dark.alpha(), 255);
    const QColor lightBase = Appearance::lightPalette().color(QPalette::Base);
    const QColor darkBase = Appearance::darkPalette().color(QPalette::Base);
    QVERIFY2(contrast(light, lightBase) >= kMinContrastLight,
             qPrintable(u"%1 on %2: %3"_s.arg(light.name(), lightBase.name()).arg(contrast(light, lightBase))));
    QVERIFY2(contrast(dark, darkBase) >= kMinContrastDark,
             qPrintable(u"%1 on %2: %3"_s.arg(dark.name(), darkBase.name()).arg(contrast(dark, darkBase))));
    QCOMPARE(Theme::textStyle(theRole).isEmpty(), false);
}

void TestTheme::followsTheApplicationPalette()
{
    const QPalette before = QApplication::palette();
    QApplication::setPalette(Appearance::darkPalette());
    for (int r = 0; r < Theme::RoleCount; ++r)
        QCOMPARE(Theme::color(Theme::Role(r)), Theme::color(Theme::Role(r), true));
    QCOMPARE(Theme::textStyle(Theme::Role::Error), u"color: %1;"_s.arg(Theme::color(Theme::Role::Error, true).name()));
    QApplication::setPalette(Appearance::lightPalette());
    for (int r = 0; r < Theme::RoleCount; ++r)
        QCOMPARE(Theme::color(Theme::Role(r)), Theme::color(Theme::Role(r), false));
    QCOMPARE(Theme::textStyle(Theme::Role::Error), u"color: %1;"_s.arg(Theme::color(Theme::Role::Error, false).name()));
    QApplication::setPalette(before);
}

void TestTheme::seriesCycles()
{
    QCOMPARE(Theme::series(0), Theme::Role::Series1);
    QCOMPARE(Theme::series(Theme::SeriesCount - 1), Theme::Role::Series8);
    QCOMPARE(Theme::series(Theme::SeriesCount), Theme::Role::Series1);
    QCOMPARE(Theme::series(-1), Theme::Role::Series8);
    // Lines told apart by colour alone must differ, in either palette.
    for (const bool dark : {false, true}) {
        QSet<QRgb> seen;
        for (int i = 0; i < Theme::SeriesCount; ++i)
            seen.insert(Theme::color(Theme::series(i), dark).rgb());
        QCOMPARE(int(seen.size()), Theme::SeriesCount);
    }
}

void TestTheme::uiWritesNoColourOfItsOwn()
{
    // "#c62828" in a style sheet, QColor(0xc6, 0x28, 0x28), QColor(198, 40, 40): a colour written in
    // a view. The theme and the palettes (appearance) are where colours live.
    static const QRegularExpression literal(u"#[0-9A-Fa-f]{6}\\b|#[0-9A-Fa-f]{3}\\b|QColor\\(\\s*(0x|\\d)"_s);
    const QStringList home{u"ui/common/theme.cpp"_s, u"ui/common/appearance.cpp"_s};
    const QDir root(qEnvironmentVariable("SERVEDECK_SOURCE_DIR"));
    QStringList offences;
    int scanned = 0;
    QDirIterator it(root.filePath(u"ui"_s), {u"*.cpp"_s, u"*.h"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = root.relativeFilePath(it.next());
        if (home.contains(file))
            continue;
        QFile f(root.filePath(file));
        QVERIFY2(f.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(file));
        ++scanned;
        int number = 0;
        while (!f.atEnd()) {
            const QString line = QString::fromUtf8(f.readLine());
            ++number;
            if (!line.trimmed().startsWith(u"#include"_s) && literal.match(line).hasMatch())
                offences << u"%1:%2: %3"_s.arg(file).arg(number).arg(line.trimmed());
        }
    }
    QVERIFY2(scanned >= 40, qPrintable(u"only %1 files read under ui/"_s.arg(scanned)));
    QVERIFY2(offences.isEmpty(), qPrintable(u"colours belong in ui/common/theme:\n  "_s + offences.join(u"\n  "_s)));
}

QTEST_MAIN(TestTheme)
#include "test_theme.moc"
