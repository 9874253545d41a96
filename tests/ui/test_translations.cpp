// The console in Korean: the shipped servedeck_ko.ts, compiled for this test, translates every
// label, button, box title, tab, column header and placeholder the views show (nothing left
// in English but names and units), and each view still lays out; screenshots for a look.
#include <memory>

#include <QAbstractButton>
#include <QChart>
#include <QDialog>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTranslator>
#include <QTreeView>

#include "plane/controlclient.h"
#include "ui/endpoints/createendpointdialog.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/mainwindow.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

class TestTranslations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void tabsAreKorean();
    void everyViewIsKorean_data();
    void everyViewIsKorean();
    void createDialogIsKorean();

private:
    struct Scan
    {
        QStringList english;  // what a translator missed
        int scanned = 0;      // non-empty texts looked at: a scan of nothing proves nothing
    };
    static Scan englishTexts(QWidget *root);

    QTranslator m_translator;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<MainWindow> m_window;
};

// Visible texts with an English word in them and no Hangul: what a translator missed.
TestTranslations::Scan TestTranslations::englishTexts(QWidget *root)
{
    static const QRegularExpression word(u"[A-Za-z]{3,}"_s);
    static const QRegularExpression hangul(u"[\\x{AC00}-\\x{D7A3}]"_s);
    // Names, units and the spec's own terms, which stay as they are in Korean too.
    static const QStringList kept{u"CPU"_s, u"GPU"_s, u"URL"_s, u"GiB"_s, u"ServeDeck"_s};
    Scan scan;
    const auto check = [&](const QString &where, const QString &text) {
        if (text.trimmed().isEmpty())
            return;
        ++scan.scanned;
        QString rest = text;
        for (const QString &k : kept)
            rest.remove(k);
        if (word.match(rest).hasMatch() && !hangul.match(text).hasMatch())
            scan.english << where + u": "_s + text;
    };
    for (QLabel *label : root->findChildren<QLabel *>()) {
        if (label->isVisibleTo(root) && !label->text().contains(u'/'))  // paths and addresses are data
            check(u"label"_s, label->text());
    }
    for (QAbstractButton *button : root->findChildren<QAbstractButton *>()) {
        if (button->isVisibleTo(root))
            check(u"button"_s, button->text());
    }
    for (QGroupBox *box : root->findChildren<QGroupBox *>())
        check(u"box"_s, box->title());
    for (QLineEdit *edit : root->findChildren<QLineEdit *>())
        check(u"placeholder"_s, edit->placeholderText());
    for (QAbstractItemView *table : root->findChildren<QAbstractItemView *>()) {
        if (!qobject_cast<QTableView *>(table) && !qobject_cast<QTreeView *>(table))
            continue;
        for (int column = 0; column < table->model()->columnCount(); ++column)
            check(u"header"_s, table->model()->headerData(column, Qt::Horizontal).toString());
    }
    if (auto *detail = qobject_cast<EndpointDetailView *>(root)) {
        for (QChart *chart : detail->charts())
            check(u"chart"_s, chart->title());
    }
    return scan;
}

void TestTranslations::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiTest::clearSettings();
    QVERIFY(m_translator.load(u":/i18n/servedeck_ko.qm"_s));
    QVERIFY(QCoreApplication::installTranslator(&m_translator));

    m_dataDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid());
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(UiTest::planeOptions(m_dataDir->path()));
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    const Endpoint iris = UiTest::create(m_plane->service(), u"iris-classifier"_s);
    ErrorRecord error;
    error.endpointId = iris.id;
    error.type = u"OOMKilled"_s;
    error.message = u"replica exceeded its memory limit"_s;
    error.signal = 9;
    QVERIFY(m_plane->service().recordError(error));

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_window->resize(1100, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestTranslations::cleanupTestCase()
{
    m_window.reset();
    m_plane.reset();
    QCoreApplication::removeTranslator(&m_translator);
}

void TestTranslations::tabsAreKorean()
{
    const QTabWidget *tabs = m_window->views();
    QCOMPARE(tabs->tabText(0), u"엔드포인트"_s);
    QCOMPARE(tabs->tabText(1), u"오류 (1)"_s);
    QCOMPARE(tabs->tabText(2), u"토큰"_s);
    QCOMPARE(tabs->tabText(3), u"오토스케일링"_s);
    QCOMPARE(tabs->tabText(4), u"상세"_s);
    QCOMPARE(tabs->tabText(5), u"에이전트"_s);
}

void TestTranslations::everyViewIsKorean_data()
{
    QTest::addColumn<int>("view");
    QTest::addColumn<QString>("screenshot");
    // About two thirds of the texts each view shows today (labels, buttons, headers, chart
    // titles): a scan that finds fewer has lost its widgets, not proved them translated.
    QTest::addColumn<int>("minScanned");
    QTest::newRow("endpoints") << int(MainWindow::View::Endpoints) << u"main-window-ko"_s << 10;
    QTest::newRow("errors") << int(MainWindow::View::Errors) << u"errors-ko"_s << 11;
    QTest::newRow("tokens") << int(MainWindow::View::Tokens) << u"tokens-ko"_s << 12;
    QTest::newRow("autoscaling") << int(MainWindow::View::Autoscaling) << u"autoscaling-ko"_s << 20;
    QTest::newRow("detail") << int(MainWindow::View::Detail) << u"endpoint-detail-ko"_s << 8;
    QTest::newRow("agents") << int(MainWindow::View::Agents) << u"agents-ko"_s << 7;
}

void TestTranslations::everyViewIsKorean()
{
    QFETCH(int, view);
    QFETCH(QString, screenshot);
    QFETCH(int, minScanned);
    m_window->showView(MainWindow::View(view));
    QWidget *page = m_window->views()->currentWidget();
    const Scan scan = englishTexts(page);
    QVERIFY2(scan.scanned >= minScanned, qPrintable(u"scanned only %1 texts"_s.arg(scan.scanned)));
    QVERIFY2(scan.english.isEmpty(), qPrintable(scan.english.join(u"\n"_s)));
    const QString failed = UiTest::saveScreenshot(*m_window, screenshot);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
}

void TestTranslations::createDialogIsKorean()
{
    ControlClient client(*m_plane);
    CreateEndpointDialog dialog(client, m_window.get());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.windowTitle(), u"새 엔드포인트"_s);
    const Scan scan = englishTexts(&dialog);
    QVERIFY2(scan.scanned >= 22, qPrintable(u"scanned only %1 texts"_s.arg(scan.scanned)));
    QVERIFY2(scan.english.isEmpty(), qPrintable(scan.english.join(u"\n"_s)));
    const QString failed = UiTest::saveScreenshot(dialog, u"create-endpoint-ko"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
}

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
