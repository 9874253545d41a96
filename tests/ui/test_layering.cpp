// core/ is the part that runs headless (servedeck serve, the agent): nothing in it may pull in
// QtWidgets or the ui/ library. Beyond that, every include between folders (core/<library>, ui,
// app) must follow a table of allowed directions. This reads the source tree and names every
// offending file and line.
#include <memory>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
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

// Which folders each folder may include from, besides its own files. Dependencies point down
// (ARCHITECTURE.md: ui → plane → api → service → scheduler/autoscale →
// store/agent/proxy/auth/http → domain); each row is what the library's link line in
// core/*/CMakeLists.txt gives it, no more. "core/*" is every folder in core/, present or future.
// A new folder needs a row: the walk below fails on a folder the table does not know.
const QHash<QString, QStringList> kAllowedIncludes{
    {u"core/domain"_s, {}},
    {u"core/store"_s, {u"core/domain"_s}},
    {u"core/auth"_s, {u"core/domain"_s}},
    // Same tier, sideways: a remote agent keeps its credential through the one secret-file writer.
    {u"core/agent"_s, {u"core/auth"_s, u"core/domain"_s}},
    // The event loop and raw TCP streams under both HTTP sides: nothing of HTTP or the product.
    {u"core/net"_s, {}},
    {u"core/http"_s, {u"core/net"_s, u"core/domain"_s}},
    // Presets know runtimes and model folders, nothing of how a replica is run.
    {u"core/runtime"_s, {u"core/domain"_s}},
    // Same tier, sideways: the proxy checks tokens, and reads requests with the one HTTP layer.
    {u"core/proxy"_s, {u"core/auth"_s, u"core/http"_s, u"core/net"_s, u"core/domain"_s}},
    // The load generator is a client: it frames answers with the one HTTP layer and counts tokens
    // with the proxy's CompletionMeter (only that), so its figures and the proxy's agree.
    {u"core/traffic"_s, {u"core/http"_s, u"core/proxy"_s, u"core/domain"_s}},
    {u"core/autoscale"_s, {u"core/store"_s, u"core/domain"_s}},
    {u"core/scheduler"_s, {u"core/store"_s, u"core/domain"_s}},
    // The canary analysis is arithmetic over counters that its caller gathers.
    {u"core/rollout"_s, {u"core/domain"_s}},
    // The service drives agents and reads the proxy's counters; the reconciler is wired to it in
    // core/plane, so the service does not include the scheduler.
    // It keeps load-test runs, read back with core/traffic's own strict reader.
    {u"core/service"_s,
     {u"core/store"_s, u"core/runtime"_s, u"core/autoscale"_s, u"core/rollout"_s, u"core/agent"_s, u"core/proxy"_s,
      u"core/traffic"_s, u"core/auth"_s, u"core/usage"_s, u"core/domain"_s}},
    // The REST server speaks for the service: not the data plane, the reconciler or the root that
    // wires them, and not the database behind the service's back.
    // It writes stored load tests as CSV with core/traffic's own writer.
    {u"core/api"_s,
     {u"core/service"_s, u"core/runtime"_s, u"core/traffic"_s, u"core/http"_s, u"core/agent"_s, u"core/auth"_s,
      u"core/usage"_s, u"core/domain"_s,
      // It answers /v1/notifications for the plane's Notifier.
      u"core/notify"_s,
      // It answers the /v1/.../jobs routes for the plane's JobQueue.
      u"core/jobs"_s}},
    // The composition root wires everything in core/.
    {u"core/plane"_s, {u"core/*"_s}},
    // The guided demo drives a plane through its client, as the console does, and sends traffic.
    {u"core/demo"_s, {u"core/plane"_s, u"core/traffic"_s, u"core/service"_s, u"core/agent"_s, u"core/domain"_s}},
    {u"ui"_s, {u"core/*"_s}},
    {u"app"_s, {u"core/*"_s, u"ui"_s}},
    // Notifications take domain values; the plane wires the service's signals to them.
    {u"core/notify"_s, {u"core/store"_s, u"core/domain"_s}},
    // Usage accounting reads and writes the store; the recommender's flap replay runs the autoscaler.
    {u"core/usage"_s, {u"core/store"_s, u"core/autoscale"_s, u"core/domain"_s}},
    // Jobs keep their queue in the store; the dispatcher sends through core/traffic's sender with
    // the one HTTP layer and signs short-lived tokens with core/auth.
    {u"core/jobs"_s, {u"core/store"_s, u"core/domain"_s, u"core/http"_s, u"core/traffic"_s, u"core/auth"_s}},
};

bool mayInclude(const QString &from, const QString &to)
{
    if (from == to)
        return true;
    const QStringList allowed = kAllowedIncludes.value(from);
    return allowed.contains(to) || (to.startsWith(u"core/"_s) && allowed.contains(u"core/*"_s));
}

// The folder a file belongs to, by its path from the source root: core/<library>, ui or app;
// empty outside them.
QString folderOf(const QString &relativePath)
{
    const QStringList parts = QDir::cleanPath(relativePath).split(u'/');
    if (parts.size() >= 3 && parts[0] == u"core")
        return u"core/"_s + parts[1];
    if (parts.size() >= 2 && (parts[0] == u"ui" || parts[0] == u"app"))
        return parts[0];
    return {};
}

// The project's sources as the include check needs them: which folders core/ has, and which
// folders hold a header of a given file name (for includes written without a folder).
class SourceTree
{
public:
    explicit SourceTree(const QString &rootDir)
        : m_root(rootDir)
    {
        const QFileInfoList libraries = QDir(m_root.filePath(u"core"_s)).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QFileInfo &library : libraries)
            m_coreFolders.insert(library.fileName());
        for (const QString &top : {u"core"_s, u"ui"_s, u"app"_s}) {
            QDirIterator it(m_root.filePath(top), QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString file = it.next();
                if (const QString folder = folderOf(m_root.relativeFilePath(file)); !folder.isEmpty())
                    m_foldersByName[QFileInfo(file).fileName()].insert(folder);
            }
        }
    }

    QSet<QString> coreFolders() const { return m_coreFolders; }

    // The project folders an include in `file` (relative to the root) reaches, the way the
    // compiler looks: next to the including file first, then the include path (the source
    // root, core/, and for a bare name any folder that has it). Empty for a header from outside.
    QStringList targets(const QString &file, const QString &header, bool angled) const
    {
        const QString path = QDir::cleanPath(header);
        const QString next = QDir::cleanPath(QFileInfo(m_root.filePath(file)).path() + u'/' + path);
        if (!angled && QFileInfo(next).isFile() && next.startsWith(m_root.path() + u'/')) {
            const QString folder = folderOf(m_root.relativeFilePath(next));
            return folder.isEmpty() ? QStringList() : QStringList{folder};
        }
        if (path.contains(u'/')) {
            const QString first = path.section(u'/', 0, 0);
            if (first == u"core" || first == u"ui" || first == u"app")
                return {folderOf(path)};
            if (m_coreFolders.contains(first))
                return {u"core/"_s + first};
            return {};
        }
        if (angled)
            return {};  // <memory>, <QObject>: not a project header
        const QSet<QString> holders = m_foldersByName.value(path);
        // Found in the includer's own folder (on its include path): that is the one meant.
        if (holders.contains(folderOf(file)))
            return {folderOf(file)};
        QStringList sorted(holders.begin(), holders.end());
        sorted.sort();
        return sorted;
    }

private:
    QDir m_root;
    QSet<QString> m_coreFolders;
    QHash<QString, QSet<QString>> m_foldersByName;
};

// Why `file` may not include `header`, or empty when the table allows it.
QString tableForbids(const SourceTree &tree, const QString &file, const QString &header, bool angled)
{
    const QString from = folderOf(file);
    for (const QString &to : tree.targets(file, header, angled)) {
        if (!mayInclude(from, to))
            return u"%1 may not include %2"_s.arg(from, to);
    }
    return {};
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
    void tableClassifiesIncludes_data();
    void tableClassifiesIncludes();
    void includesFollowTheTable();
    void coreLinksFollowTheTable();

private:
    QSet<QString> m_uiHeaders;
    QSet<QString> m_coreHeaders;
    std::unique_ptr<SourceTree> m_tree;
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
    m_tree = std::make_unique<SourceTree>(sourceDir());
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

// The table's checker itself: it must reject what the table forbids and let the rest through,
// however the include is spelled.
void TestLayering::tableClassifiesIncludes_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("header");
    QTest::addColumn<bool>("angled");
    QTest::addColumn<bool>("allowed");

    QTest::newRow("api → proxy") << u"core/api/controlapiserver.cpp"_s << u"proxy/proxyserver.h"_s << false << false;
    QTest::newRow("api → scheduler") << u"core/api/controlapiserver.cpp"_s << u"scheduler/reconciler.h"_s << false << false;
    QTest::newRow("api → plane") << u"core/api/controlapiserver.cpp"_s << u"plane/controlplane.h"_s << false << false;
    QTest::newRow("api → store") << u"core/api/controlapiserver.cpp"_s << u"store/repository.h"_s << false << false;
    QTest::newRow("api → proxy, angled") << u"core/api/controlapiserver.cpp"_s << u"proxy/proxyserver.h"_s << true << false;
    QTest::newRow("api → proxy, relative") << u"core/api/controlapiserver.cpp"_s << u"../proxy/proxyserver.h"_s << false << false;
    QTest::newRow("api → proxy, core/ path") << u"core/api/controlapiserver.cpp"_s << u"core/proxy/proxyserver.h"_s << false << false;
    QTest::newRow("api → plane, bare name") << u"core/api/controlapiserver.cpp"_s << u"controlplane.h"_s << false << false;
    QTest::newRow("domain → store") << u"core/domain/endpoint.cpp"_s << u"store/repository.h"_s << false << false;
    QTest::newRow("store → service") << u"core/store/repository.cpp"_s << u"service/modelservingservice.h"_s << false << false;
    QTest::newRow("scheduler → service") << u"core/scheduler/reconciler.cpp"_s << u"service/modelservingservice.h"_s << false << false;
    QTest::newRow("service → scheduler") << u"core/service/modelservingservice.cpp"_s << u"scheduler/reconciler.h"_s << false << false;
    QTest::newRow("service → api") << u"core/service/modelservingservice.cpp"_s << u"api/jsoncodec.h"_s << false << false;
    QTest::newRow("http → proxy") << u"core/http/httpserver.cpp"_s << u"proxy/proxyserver.h"_s << false << false;
    QTest::newRow("proxy → store") << u"core/proxy/proxyserver.cpp"_s << u"store/repository.h"_s << false << false;
    QTest::newRow("core → ui") << u"core/service/modelservingservice.cpp"_s << u"ui/mainwindow.h"_s << false << false;
    QTest::newRow("core → ui, bare name") << u"core/service/modelservingservice.cpp"_s << u"mainwindow.h"_s << false << false;
    QTest::newRow("plane → app") << u"core/plane/controlplane.cpp"_s << u"app/commandline.h"_s << false << false;
    QTest::newRow("ui → app") << u"ui/mainwindow.cpp"_s << u"app/commandline.h"_s << false << false;
    QTest::newRow("ui → app, bare name") << u"ui/mainwindow.cpp"_s << u"commandline.h"_s << false << false;

    QTest::newRow("api → service") << u"core/api/controlapiserver.cpp"_s << u"service/modelservingservice.h"_s << false << true;
    QTest::newRow("api → http") << u"core/api/controlapiserver.cpp"_s << u"http/httpserver.h"_s << false << true;
    QTest::newRow("api, own header") << u"core/api/controlapiserver.cpp"_s << u"jsoncodec.h"_s << false << true;
    QTest::newRow("store → domain") << u"core/store/repository.cpp"_s << u"domain/route.h"_s << false << true;
    QTest::newRow("proxy → http") << u"core/proxy/proxyserver.cpp"_s << u"http/httprequest.h"_s << false << true;
    QTest::newRow("service → proxy") << u"core/service/modelservingservice.cpp"_s << u"proxy/proxyserver.h"_s << false << true;
    QTest::newRow("plane → proxy") << u"core/plane/controlplane.cpp"_s << u"proxy/proxyserver.h"_s << false << true;
    QTest::newRow("plane → scheduler") << u"core/plane/controlplane.cpp"_s << u"scheduler/reconciler.h"_s << false << true;
    QTest::newRow("ui → plane") << u"ui/mainwindow.cpp"_s << u"plane/controlplane.h"_s << false << true;
    QTest::newRow("ui → ui") << u"ui/mainwindow.cpp"_s << u"ui/common/appearance.h"_s << false << true;
    QTest::newRow("app → ui") << u"app/guicommand.cpp"_s << u"ui/mainwindow.h"_s << false << true;
    QTest::newRow("app → plane") << u"app/guicommand.cpp"_s << u"plane/controlplane.h"_s << false << true;
    QTest::newRow("app, own header by name") << u"app/modelserver/main.cpp"_s << u"signalquitter.h"_s << false << true;
    QTest::newRow("Qt") << u"core/domain/endpoint.cpp"_s << u"QtCore/QString"_s << true << true;
    QTest::newRow("std") << u"core/domain/endpoint.cpp"_s << u"memory"_s << true << true;
    QTest::newRow("library") << u"core/auth/tokensigner.cpp"_s << u"openssl/evp.h"_s << true << true;
}

void TestLayering::tableClassifiesIncludes()
{
    QFETCH(QString, file);
    QFETCH(QString, header);
    QFETCH(bool, angled);
    QFETCH(bool, allowed);
    QVERIFY2(QFileInfo::exists(QDir(sourceDir()).filePath(file)), qPrintable(file + u" is gone: pick another"_s));
    const QString reason = tableForbids(*m_tree, file, header, angled);
    QVERIFY2(reason.isEmpty() == allowed, qPrintable(file + u": "_s + header + u": "_s + (reason.isEmpty() ? u"allowed"_s : reason)));
}

void TestLayering::includesFollowTheTable()
{
    const QDir root(sourceDir());
    QStringList offences;
    QHash<QString, int> scanned;
    for (const QString &top : {u"core"_s, u"ui"_s, u"app"_s}) {
        QDirIterator it(root.filePath(top), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = root.relativeFilePath(it.next());
            const QString folder = folderOf(file);
            if (folder.isEmpty() || !kSourceSuffixes.contains(QFileInfo(file).suffix()))
                continue;
            ++scanned[folder];
            if (!kAllowedIncludes.contains(folder)) {
                if (scanned[folder] == 1)
                    offences << u"%1: %2 has no row in kAllowedIncludes"_s.arg(file, folder);
                continue;
            }
            for (const Include &inc : includesOf(root.filePath(file))) {
                const QString reason = tableForbids(*m_tree, file, inc.header, inc.angled);
                if (reason.isEmpty())
                    continue;
                const QString spelled = inc.angled ? u'<' + inc.header + u'>' : u'"' + inc.header + u'"';
                offences << u"%1:%2: includes %3 (%4)"_s.arg(file).arg(inc.line).arg(spelled, reason);
            }
        }
    }
    // Every folder the table names was read: a walk that found nothing proves nothing.
    for (auto it = kAllowedIncludes.cbegin(); it != kAllowedIncludes.cend(); ++it)
        QVERIFY2(scanned.value(it.key()) > 0, qPrintable(u"no sources found in "_s + it.key()));
    QVERIFY2(offences.isEmpty(), qPrintable(u"includes against the allowed directions:\n  "_s + offences.join(u"\n  "_s)));
}

void TestLayering::coreLinksFollowTheTable()
{
    // A library linked against the direction would let the next include through to compile.
    static const QRegularExpression call(u"target_link_libraries\\s*\\(\\s*(servedeck_\\w+)([^)]*)\\)"_s);
    static const QRegularExpression target(u"\\bservedeck_(\\w+)"_s);
    const QDir root(sourceDir());
    QStringList offences;
    int links = 0;
    for (const QString &library : m_tree->coreFolders()) {
        QFile f(root.filePath(u"core/%1/CMakeLists.txt"_s.arg(library)));
        if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
            continue;
        QStringList code;
        for (const QString &line : QString::fromUtf8(f.readAll()).split(u'\n'))
            code << line.section(u'#', 0, 0);
        const QString text = code.join(u'\n');
        for (auto calls = call.globalMatch(text); calls.hasNext();) {
            const auto m = calls.next();
            if (m.captured(1) != u"servedeck_"_s + library)
                continue;
            for (auto deps = target.globalMatch(m.captured(2)); deps.hasNext();) {
                const QString dep = deps.next().captured(1);
                if (!m_tree->coreFolders().contains(dep))
                    continue;  // servedeck_common: settings, not code
                ++links;
                if (!mayInclude(u"core/"_s + library, u"core/"_s + dep))
                    offences << u"core/%1/CMakeLists.txt: servedeck_%1 links servedeck_%2"_s.arg(library, dep);
            }
        }
    }
    QVERIFY2(links > 0, "no links between core/ libraries found");
    QVERIFY2(offences.isEmpty(), qPrintable(u"links against the allowed directions:\n  "_s + offences.join(u"\n  "_s)));
}

QTEST_GUILESS_MAIN(TestLayering)
#include "test_layering.moc"
