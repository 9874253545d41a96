// The Try panel over a real control plane with real demo replicas: a click on Send goes
// through the proxy to a replica, and what the panel shows (status, route, revision, answer)
// is what came back. A private endpoint is tried with a token minted through the plane.
#include <memory>

#include <QJsonObject>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QAction>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

#include "api/jsoncodec.h"
#include "plane/controlclient.h"
#include "traffic/tryrequest.h"
#include "ui/common/endpointselector.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/detail/endpointdetailview.h"
#include "ui/loadtest/loadtestview.h"
#include "ui/mainwindow.h"
#include "ui/trylab/trypanel.h"
#include "support/openaimodelfolder.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr int kWaitMs = 30000;
const QString kIris = uR"({"features":[5.1,3.5,1.4,0.2]})"_s;

} // namespace

class TestTryPanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void sendShowsTheReplicasAnswer();
    void aPrivateEndpointTakesAMintedToken();
    void aStreamShowsItsEventsAsTheyCome();
    void aBadHeaderIsRefusedInPlace();
    void reachableFromDetailsAndTheEndpointMenu();
    void screenshot();

private:
    Endpoint create(const QString &name, bool isPublic);
    // Clicks Send and waits for the answer; the status label's text.
    QString sendAndWait();

    UiTest::ServingPlane m_plane;
    std::unique_ptr<ControlClient> m_client;
    std::unique_ptr<EndpointListModel> m_model;
    std::unique_ptr<TryPanel> m_panel;
    Endpoint m_public;
    Endpoint m_private;
};

void TestTryPanel::initTestCase()
{
    const QByteArray notStarted = m_plane.start();
    QVERIFY2(notStarted.isEmpty(), notStarted.constData());
    m_client = std::make_unique<ControlClient>(*m_plane);
    m_model = std::make_unique<EndpointListModel>(*m_client);
    m_panel = std::make_unique<TryPanel>(*m_client, *m_model);
    m_panel->resize(1100, 680);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));

    m_public = create(u"iris-public"_s, true);
    m_private = create(u"iris-private"_s, false);
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(m_plane->service(), m_public.name), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(m_plane->service(), m_private.name), 1, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->find(m_private.id), kWaitMs);
}

void TestTryPanel::cleanupTestCase()
{
    m_panel.reset();
    m_model.reset();
    m_client.reset();
    m_plane.reset();
}

Endpoint TestTryPanel::create(const QString &name, bool isPublic)
{
    return m_plane.createDemo(name, isPublic);
}

QString TestTryPanel::sendAndWait()
{
    QSignalSpy answered(m_panel.get(), &TryPanel::answered);
    QTest::mouseClick(m_panel->sendButton(), Qt::LeftButton);
    if (answered.isEmpty() && !answered.wait(kWaitMs))
        return u"(no answer)"_s;
    return m_panel->statusLabel()->text();
}

void TestTryPanel::sendShowsTheReplicasAnswer()
{
    m_panel->setEndpoint(m_public.id);
    QCOMPARE(m_panel->endpointSelector()->currentEndpoint(), m_public.id);
    QVERIFY(!m_panel->mintButton()->isEnabled());  // a public endpoint takes no token
    QVERIFY(!m_panel->bodyEditor()->toPlainText().isEmpty());  // pre-filled: an example, a last body or {}
    m_panel->pathEdit()->setText(u"/predict"_s);
    m_panel->bodyEditor()->setPlainText(kIris);

    QCOMPARE(sendAndWait(), u"200"_s);
    QCOMPARE(m_panel->revisionLabel()->text(), u"v1"_s);
    // The route is the replica's that answered: one of this endpoint's routes.
    const auto info = m_plane->service().endpointInfo(m_public.name);
    QVERIFY(info);
    QStringList routes;
    for (const Route &r : info->routes)
        routes << r.id.toString(QUuid::WithoutBraces);
    QVERIFY2(routes.contains(m_panel->routeLabel()->text()), qPrintable(m_panel->routeLabel()->text()));
    const QString answer = m_panel->answerView()->toPlainText();
    QVERIFY2(answer.contains(u"\"prediction\""_s) && answer.contains(u"setosa"_s), qPrintable(answer));
    QVERIFY2(m_panel->timingsLabel()->text().contains(u"total"_s), qPrintable(m_panel->timingsLabel()->text()));
    QVERIFY(m_panel->sendButton()->isEnabled());

    // The definition's example is offered, not the body tried last.
    const QJsonValue example = JsonCodec::toJson(*info).value(u"request"_s).toObject().value(u"example"_s);
    m_panel->bodyEditor()->setPlainText(uR"({"features":[6.7,3.0,5.2,2.3]})"_s);
    QCOMPARE(sendAndWait(), u"200"_s);
    TryPanel again(*m_client, *m_model);
    again.setEndpoint(m_public.id);
    // iris-v1's definition has an example (models[].request): it comes first, and its path.
    QVERIFY(example.isString());
    QCOMPARE(again.bodyEditor()->toPlainText(), example.toString());
    QCOMPARE(again.pathEdit()->text(), u"/predict"_s);
}

void TestTryPanel::aPrivateEndpointTakesAMintedToken()
{
    m_panel->setEndpoint(m_private.id);
    m_panel->pathEdit()->setText(u"/predict"_s);
    m_panel->bodyEditor()->setPlainText(kIris);
    QVERIFY(m_panel->mintButton()->isEnabled());

    // Without a token the proxy refuses, and the panel says so.
    QCOMPARE(sendAndWait(), u"401"_s);
    QVERIFY2(m_panel->answerView()->toPlainText().contains(u"Unauthorized"_s), qPrintable(m_panel->answerView()->toPlainText()));

    QSignalSpy minted(m_panel.get(), &TryPanel::tokenMinted);
    QTest::mouseClick(m_panel->mintButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(minted.count(), 1, kWaitMs);
    QTableWidget *headers = m_panel->headersTable();
    int row = -1;
    for (int i = 0; i < headers->rowCount(); ++i) {
        if (headers->item(i, 0) && headers->item(i, 0)->text() == u"Authorization"_s)
            row = i;
    }
    QVERIFY(row >= 0);
    // Shown masked: the token is not on screen.
    QVERIFY2(!headers->item(row, 1)->text().contains(u"eyJ"_s), qPrintable(headers->item(row, 1)->text()));
    // The plane issued it for this endpoint, short-lived.
    const auto tokens = m_plane->service().listTokens(m_private.name);
    QVERIFY(tokens);
    QCOMPARE(tokens->size(), 1);
    QVERIFY(tokens->first().expiresAt.has_value());
    QVERIFY(*tokens->first().expiresAt <= QDateTime::currentDateTimeUtc().addSecs(TryPanel::kTokenExpirySeconds + 5));

    QCOMPARE(sendAndWait(), u"200"_s);
    QCOMPARE(m_panel->revisionLabel()->text(), u"v1"_s);
    QVERIFY(m_panel->answerView()->toPlainText().contains(u"setosa"_s));

    // Another endpoint does not get this one's token.
    m_panel->setEndpoint(m_public.id);
    for (int i = 0; i < headers->rowCount(); ++i)
        QVERIFY(!headers->item(i, 0) || headers->item(i, 0)->text() != u"Authorization"_s);
}

// A replica that is the demo server in its OpenAI mode: the streamed completion's events are
// listed while it streams, then time to first token and tokens per second.
void TestTryPanel::aStreamShowsItsEventsAsTheyCome()
{
    const QString folder = QDir(m_plane.dataDir()).filePath(u"openai-model"_s);
    QString why;
    QVERIFY2(writeOpenAiModelFolder(folder, u"chat"_s, 150, 40, &why), qPrintable(why));
    CreateEndpointRequest r;
    r.name = u"chat"_s;
    r.modelVersion = u"v1"_s;
    r.modelFolder = folder;
    r.replicas = 1;
    r.isPublic = true;
    r.resourceSlots = ResourceSlots{0.5, qint64(256) << 20, 0};
    auto created = m_plane->service().createEndpoint(r);
    QVERIFY2(created, created ? "" : UiTest::why(created.error()).constData());
    QTRY_COMPARE_WITH_TIMEOUT(UiTest::healthyRoutes(m_plane->service(), r.name), 1, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_model->find(created->id), kWaitMs);

    m_panel->setEndpoint(created->id);
    m_panel->pathEdit()->setText(u"/v1/chat/completions"_s);
    m_panel->bodyEditor()->setPlainText(
        uR"({"model":"chat","messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":8})"_s);
    bool ended = false;
    int beforeTheEnd = 0;
    QTableWidget *events = m_panel->eventsTable();
    const auto live = connect(events->model(), &QAbstractItemModel::rowsInserted, this, [&] {
        if (!ended)
            ++beforeTheEnd;
    });
    const auto end = connect(m_panel.get(), &TryPanel::answered, this, [&] { ended = true; });
    QCOMPARE(sendAndWait(), u"200"_s);
    disconnect(live);
    disconnect(end);
    QVERIFY2(events->rowCount() >= 9, qPrintable(QString::number(events->rowCount())));  // 8 tokens and [DONE]
    QCOMPARE(beforeTheEnd, events->rowCount());  // every one listed as it came, none at the end
    QCOMPARE(events->item(events->rowCount() - 1, 1)->text(), u"[DONE]"_s);
    // Listed with the time each came: the last well after the first (40 tokens a second).
    QVERIFY(events->item(events->rowCount() - 1, 0)->text().toDouble() - events->item(0, 0)->text().toDouble() >= 100);
    const QString stream = m_panel->streamLabel()->text();
    QVERIFY2(stream.contains(u"time to first token"_s) && stream.contains(u"tokens/s"_s) && !stream.contains(u"–"_s),
             qPrintable(stream));
    // The answer is the streamed text: the demo server's filler words, one a token.
    const QString text = m_panel->answerView()->toPlainText();
    QVERIFY2(text.split(u' ', Qt::SkipEmptyParts).size() >= 6, qPrintable(text));
    QVERIFY2(!text.contains(u"choices"_s), qPrintable(text));
    why = UiTest::saveScreenshot(*m_panel, u"try-panel-stream"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));

    // This definition has no example: the body tried last is offered next time (from the data dir).
    TryPanel again(*m_client, *m_model);
    again.setEndpoint(created->id);
    QTRY_COMPARE_WITH_TIMEOUT(again.bodyEditor()->toPlainText(), m_panel->bodyEditor()->toPlainText(), kWaitMs);
}

void TestTryPanel::aBadHeaderIsRefusedInPlace()
{
    m_panel->setEndpoint(m_public.id);
    m_panel->setHeader(u"X Bad Name"_s, u"v"_s);
    QSignalSpy answered(m_panel.get(), &TryPanel::answered);
    QTest::mouseClick(m_panel->sendButton(), Qt::LeftButton);
    QVERIFY(!m_panel->running());
    QVERIFY(answered.isEmpty());
    const QLabel *problem = m_panel->findChild<QLabel *>(u"tryProblem"_s);
    QVERIFY(problem && problem->isVisible());
    QVERIFY2(problem->text().contains(u"not a header name"_s), qPrintable(problem->text()));
    QTableWidget *headers = m_panel->headersTable();
    for (int i = headers->rowCount() - 1; i >= 0; --i) {
        if (headers->item(i, 0)->text() == u"X Bad Name"_s)
            headers->removeRow(i);
    }
}

void TestTryPanel::reachableFromDetailsAndTheEndpointMenu()
{
    MainWindow window(*m_plane);
    window.resize(1100, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.endpointModel()->find(m_private.id), kWaitMs);
    // The Load test view is the tab after Agents.
    QCOMPARE(window.views()->widget(int(MainWindow::View::LoadTest)), window.loadTestView());
    QCOMPARE(window.views()->tabText(int(MainWindow::View::LoadTest)), u"Load test"_s);

    // Details > Try… opens the panel on the endpoint shown there.
    window.detailView()->endpointSelector()->setCurrentEndpoint(m_private.id);
    window.showView(MainWindow::View::Detail);
    auto *tryButton = window.detailView()->findChild<QPushButton *>(u"detailTry"_s);
    QVERIFY(tryButton);
    QVERIFY(!window.tryPanel());
    QTest::mouseClick(tryButton, Qt::LeftButton);
    QVERIFY(window.tryPanel());
    QTRY_VERIFY_WITH_TIMEOUT(window.tryPanel()->isVisible(), kWaitMs);
    QCOMPARE(window.tryPanel()->endpointSelector()->currentEndpoint(), m_private.id);

    // Endpoint > Try… on the table's selection: the same window, now on that endpoint.
    window.selectEndpoint(m_public.id);
    QTRY_COMPARE_WITH_TIMEOUT(window.selectedEndpoint(), m_public.id, kWaitMs);
    QVERIFY(window.tryAction()->isEnabled());
    window.tryAction()->trigger();
    QCOMPARE(window.tryPanel()->endpointSelector()->currentEndpoint(), m_public.id);
    QVERIFY(window.findChildren<TryPanel *>().size() == 1);
}

void TestTryPanel::screenshot()
{
    m_panel->setEndpoint(m_public.id);
    m_panel->pathEdit()->setText(u"/predict"_s);
    m_panel->bodyEditor()->setPlainText(kIris);
    QCOMPARE(sendAndWait(), u"200"_s);
    const QString why = UiTest::saveScreenshot(*m_panel, u"try-panel"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

QTEST_MAIN(TestTryPanel)
#include "test_trypanel.moc"
