// core/ is the part that runs headless (servedeck serve, the agent): nothing in it may pull in
// QtWidgets or the ui/ library. This reads the source tree and names every offending file.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// QtWidgets classes with a header of their own that a core file might plausibly reach for.
// (QAction, QShortcut, QUndoStack and friends moved to QtGui in Qt 6 and are not listed.)
const QSet<QString> kWidgetHeaders{
    u"QAbstractButton"_s, u"QAbstractItemDelegate"_s, u"QAbstractItemView"_s, u"QAbstractScrollArea"_s,
    u"QAbstractSlider"_s, u"QAbstractSpinBox"_s, u"QApplication"_s, u"QBoxLayout"_s, u"QButtonGroup"_s,
    u"QCheckBox"_s, u"QColorDialog"_s, u"QColumnView"_s, u"QComboBox"_s, u"QCommandLinkButton"_s,
    u"QCompleter"_s, u"QDataWidgetMapper"_s, u"QDateEdit"_s, u"QDateTimeEdit"_s, u"QDial"_s, u"QDialog"_s,
    u"QDialogButtonBox"_s, u"QDockWidget"_s, u"QDoubleSpinBox"_s, u"QErrorMessage"_s, u"QFileDialog"_s,
    u"QFileIconProvider"_s, u"QFocusFrame"_s, u"QFontComboBox"_s, u"QFontDialog"_s, u"QFormLayout"_s,
    u"QFrame"_s, u"QGesture"_s, u"QGraphicsItem"_s, u"QGraphicsScene"_s, u"QGraphicsView"_s,
    u"QGraphicsWidget"_s, u"QGridLayout"_s, u"QGroupBox"_s, u"QHBoxLayout"_s, u"QHeaderView"_s,
    u"QInputDialog"_s, u"QItemDelegate"_s, u"QKeySequenceEdit"_s, u"QLCDNumber"_s, u"QLabel"_s, u"QLayout"_s,
    u"QLayoutItem"_s, u"QLineEdit"_s, u"QListView"_s, u"QListWidget"_s, u"QMainWindow"_s, u"QMdiArea"_s,
    u"QMdiSubWindow"_s, u"QMenu"_s, u"QMenuBar"_s, u"QMessageBox"_s, u"QPlainTextEdit"_s, u"QProgressBar"_s,
    u"QProgressDialog"_s, u"QPushButton"_s, u"QRadioButton"_s, u"QRubberBand"_s, u"QScrollArea"_s,
    u"QScrollBar"_s, u"QScroller"_s, u"QSizeGrip"_s, u"QSizePolicy"_s, u"QSlider"_s, u"QSpacerItem"_s,
    u"QSpinBox"_s, u"QSplashScreen"_s, u"QSplitter"_s, u"QStackedLayout"_s, u"QStackedWidget"_s,
    u"QStatusBar"_s, u"QStyle"_s, u"QStyleFactory"_s, u"QStyleOption"_s, u"QStylePainter"_s,
    u"QStyledItemDelegate"_s, u"QSystemTrayIcon"_s, u"QTabBar"_s, u"QTabWidget"_s, u"QTableView"_s,
    u"QTableWidget"_s, u"QTextBrowser"_s, u"QTextEdit"_s, u"QTimeEdit"_s, u"QToolBar"_s, u"QToolBox"_s,
    u"QToolButton"_s, u"QToolTip"_s, u"QTreeView"_s, u"QTreeWidget"_s, u"QTreeWidgetItem"_s,
    u"QUndoView"_s, u"QVBoxLayout"_s, u"QWhatsThis"_s, u"QWidget"_s, u"QWidgetAction"_s, u"QWizard"_s,
    u"QWizardPage"_s, u"QtWidgets"_s, u"QtWidgetsDepends"_s,
    // Qt Charts draws on QGraphicsView: a core file that includes it includes QtWidgets.
    u"QChart"_s, u"QChartView"_s, u"QtCharts"_s,
};

const QStringList kSourceSuffixes{u"h"_s, u"hpp"_s, u"hh"_s, u"cpp"_s, u"cc"_s, u"cxx"_s, u"ipp"_s, u"inl"_s};

QString sourceDir()
{
    return qEnvironmentVariable("SERVEDECK_SOURCE_DIR");
}

// Base names of the ui/ library's headers: an include of one of them from core/ is a ui include
// even when written without the folder (the folder may be on the include path).
QSet<QString> uiHeaderNames()
{
    QSet<QString> names;
    QDirIterator it(QDir(sourceDir()).filePath(u"ui"_s), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        if (info.suffix() == u"h" || info.suffix() == u"hpp")
            names.insert(info.fileName());
    }
    return names;
}

// Why an include is not allowed in core/, or empty when it is fine.
QString forbiddenBecause(const QString &included, bool angled, const QSet<QString> &uiHeaders,
                         const QSet<QString> &coreHeaders)
{
    const QString path = QDir::cleanPath(included);
    const QString first = path.section(u'/', 0, 0);
    const QString last = path.section(u'/', -1);
    if (first == u"QtWidgets" || first == u"QtCharts")
        return u"a %1 header"_s.arg(first);
    if (!path.contains(u'/') && kWidgetHeaders.contains(path))
        return u"a QtWidgets header"_s;
    if (first == u"ui" || path.contains(u"/ui/"_s) || path.startsWith(u"../ui/"_s) || path.startsWith(u"../../ui/"_s))
        return u"a ui/ header"_s;
    if (!angled && uiHeaders.contains(last) && !coreHeaders.contains(last))
        return u"a ui/ header"_s;
    return {};
}

struct Include
{
    int line = 0;
    QString header;
    bool angled = false;
};

QList<Include> includesOf(const QString &file)
{
    static const QRegularExpression re(u"^\\s*#\\s*include\\s*([<\"])([^>\"]+)[>\"]"_s);
    QList<Include> found;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return found;
    int number = 0;
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine());
        ++number;
        const auto m = re.match(line);
        if (m.hasMatch())
            found.append({number, m.captured(2).trimmed(), m.captured(1) == u"<"});
    }
    return found;
}

} // namespace

class TestLayering final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void classifiesIncludes_data();
    void classifiesIncludes();
    void coreIncludesNoWidgetsOrUi();
    void coreTargetsLinkNoWidgets();

private:
    QSet<QString> m_uiHeaders;
    QSet<QString> m_coreHeaders;
};

void TestLayering::initTestCase()
{
    QVERIFY2(!sourceDir().isEmpty(), "SERVEDECK_SOURCE_DIR names the source tree");
    QVERIFY2(QFileInfo(QDir(sourceDir()).filePath(u"core"_s)).isDir(), qPrintable(sourceDir()));
    m_uiHeaders = uiHeaderNames();
    QVERIFY2(!m_uiHeaders.isEmpty(), "ui/ has headers to guard against");
    QDirIterator it(QDir(sourceDir()).filePath(u"core"_s), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        m_coreHeaders.insert(QFileInfo(it.next()).fileName());
}

// The checker itself: it must catch what it is there for and let the rest through.
void TestLayering::classifiesIncludes_data()
{
    QTest::addColumn<QString>("header");
    QTest::addColumn<bool>("angled");
    QTest::addColumn<bool>("forbidden");

    QTest::newRow("QWidget") << u"QWidget"_s << true << true;
    QTest::newRow("QApplication") << u"QApplication"_s << true << true;
    QTest::newRow("QMainWindow") << u"QMainWindow"_s << true << true;
    QTest::newRow("QDialog") << u"QDialog"_s << true << true;
    QTest::newRow("QMessageBox") << u"QMessageBox"_s << true << true;
    QTest::newRow("QHeaderView") << u"QHeaderView"_s << true << true;
    QTest::newRow("module path") << u"QtWidgets/QLabel"_s << true << true;
    QTest::newRow("module path, unlisted class") << u"QtWidgets/QSomethingNew"_s << true << true;
    QTest::newRow("module header") << u"QtWidgets"_s << true << true;
    QTest::newRow("lower-case module header") << u"QtWidgets/qwidget.h"_s << true << true;
    QTest::newRow("charts") << u"QtCharts/QLineSeries"_s << true << true;
    QTest::newRow("ui folder") << u"ui/mainwindow.h"_s << false << true;
    QTest::newRow("ui folder, relative") << u"../../ui/endpointlistmodel.h"_s << false << true;
    QTest::newRow("ui header by name") << u"endpointlistmodel.h"_s << false << true;

    QTest::newRow("QObject") << u"QObject"_s << true << false;
    QTest::newRow("QAbstractItemModel") << u"QAbstractItemModel"_s << true << false;
    QTest::newRow("QtGui QAction") << u"QAction"_s << true << false;
    QTest::newRow("QtNetwork path") << u"QtNetwork/QTcpServer"_s << true << false;
    QTest::newRow("std") << u"memory"_s << true << false;
    QTest::newRow("core header") << u"service/modelservingservice.h"_s << false << false;
    QTest::newRow("build-in folder name") << u"build/uiless.h"_s << false << false;
}

void TestLayering::classifiesIncludes()
{
    QFETCH(QString, header);
    QFETCH(bool, angled);
    QFETCH(bool, forbidden);
    const QString reason = forbiddenBecause(header, angled, m_uiHeaders, m_coreHeaders);
    QVERIFY2(reason.isEmpty() != forbidden, qPrintable(header + u": "_s + (reason.isEmpty() ? u"allowed"_s : reason)));
}

void TestLayering::coreIncludesNoWidgetsOrUi()
{
    const QDir root(sourceDir());
    QStringList offences;
    int scanned = 0;
    QDirIterator it(root.filePath(u"core"_s), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (!kSourceSuffixes.contains(QFileInfo(file).suffix()))
            continue;
        ++scanned;
        for (const Include &inc : includesOf(file)) {
            const QString reason = forbiddenBecause(inc.header, inc.angled, m_uiHeaders, m_coreHeaders);
            if (reason.isEmpty())
                continue;
            const QString spelled = inc.angled ? u'<' + inc.header + u'>' : u'"' + inc.header + u'"';
            offences << u"%1:%2: includes %3 (%4)"_s.arg(root.relativeFilePath(file)).arg(inc.line).arg(spelled, reason);
        }
    }
    QVERIFY2(scanned > 0, "no sources found under core/");
    QVERIFY2(offences.isEmpty(), qPrintable(u"core/ must not depend on QtWidgets or ui/:\n  "_s
                                            + offences.join(u"\n  "_s)));
}

void TestLayering::coreTargetsLinkNoWidgets()
{
    // The include check misses a header reached through a target's usage requirements.
    static const QRegularExpression linked(u"Qt6?::(Widgets|Charts)\\b|\\bservedeck_ui\\b"_s);
    const QDir root(sourceDir());
    QStringList offences;
    QDirIterator it(root.filePath(u"core"_s), {u"CMakeLists.txt"_s, u"*.cmake"_s}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        int number = 0;
        while (!f.atEnd()) {
            const QString line = QString::fromUtf8(f.readLine());
            ++number;
            const QString code = line.section(u'#', 0, 0);
            if (const auto m = linked.match(code); m.hasMatch())
                offences << u"%1:%2: %3"_s.arg(root.relativeFilePath(file)).arg(number).arg(line.trimmed());
        }
    }
    QVERIFY2(offences.isEmpty(), qPrintable(u"core/ targets must not link QtWidgets, Charts or ui/:\n  "_s
                                            + offences.join(u"\n  "_s)));
}

QTEST_GUILESS_MAIN(TestLayering)
#include "test_layering.moc"
