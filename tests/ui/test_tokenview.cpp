// The token view over a real, in-process control plane: allowed IPs are checked as they are
// typed; a generated token is listed by the service, exports to a file only its owner can read
// whose content the core's own verifier accepts, and is revoked after a confirmation.
#include <memory>

#include <sys/stat.h>

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

#include "auth/signingkeystore.h"
#include "auth/tokensigner.h"
#include "ui/common/endpointselector.h"
#include "ui/mainwindow.h"
#include "ui/common/prompt.h"
#include "ui/common/secretfile.h"
#include "ui/tokens/tokenlistmodel.h"
#include "ui/tokens/tokenview.h"
#include "uitestsupport.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

constexpr QSize kScreenshotSize(1100, 700);

mode_t modeOf(const QString &path)
{
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}

// Restores the umask on every way out of a test.
class UmaskGuard
{
public:
    explicit UmaskGuard(mode_t mask) : m_old(::umask(mask)) {}
    ~UmaskGuard() { ::umask(m_old); }
    UmaskGuard(const UmaskGuard &) = delete;
    UmaskGuard &operator=(const UmaskGuard &) = delete;

private:
    mode_t m_old;
};

} // namespace

class TestTokenView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void listShowsNothingBeforeAToken();
    void allowedIpsCheckedAsTyped_data();
    void allowedIpsCheckedAsTyped();
    void generateListsTheGrant();
    void copyPutsTheTokenOnTheClipboard();
    void exportWritesAnOwnerOnlyFileTheCoreVerifies();
    void exportReplacesAWorldReadableFile();
    void exportFailureShowsInPlace();
    void neverExpiringToken();
    void screenshot();
    void revokeAsksFirst();
    void revokeMarksTheTokenRevoked();
    void otherEndpointHasItsOwnTokens();

private:
    ModelServingService &service() { return m_plane->service(); }
    TokenView *view() const { return m_window->tokenView(); }
    template<typename T>
    T *child(const QString &name) const
    {
        T *found = view()->findChild<T *>(name);
        if (!found)
            qFatal("no %s in the token view", qPrintable(name));
        return found;
    }
    void typeAllowedIps(const QString &text);
    // Grants issued within one second list in id order, so tests find them by id.
    int rowOf(const QString &tokenId) const;
    TokenGrant otherGrant() const;
    void selectTokenRow(const QString &tokenId);

    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<QTemporaryDir> m_exportDir;
    std::unique_ptr<ControlPlane> m_plane;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    Endpoint m_iris;
    Endpoint m_fraud;
    QString m_tokenId;
};

void TestTokenView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    UiTest::clearSettings();
    QVERIFY2(!qEnvironmentVariableIsEmpty("SERVEDECK_SOURCE_DIR"), "SERVEDECK_SOURCE_DIR names the source tree");
    m_dataDir = std::make_unique<QTemporaryDir>();
    m_exportDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dataDir->isValid() && m_exportDir->isValid());
    m_plane = std::make_unique<ControlPlane>();
    auto started = m_plane->start(UiTest::planeOptions(m_dataDir->path()));
    QVERIFY2(started, started ? "" : UiTest::why(started.error()).constData());
    m_fraud = UiTest::create(service(), u"fraud-detector"_s, u"iris-v2"_s);
    m_iris = UiTest::create(service(), u"iris-classifier"_s);

    m_window = std::make_unique<MainWindow>(*m_plane);
    m_tester = std::make_unique<QAbstractItemModelTester>(view()->tokenModel(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->showView(MainWindow::View::Tokens);
    view()->endpointSelector()->setCurrentEndpoint(m_iris.id);
    m_window->resize(kScreenshotSize);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestTokenView::cleanupTestCase()
{
    m_tester.reset();
    m_window.reset();
    m_plane.reset();
    m_dataDir.reset();
}

void TestTokenView::typeAllowedIps(const QString &text)
{
    auto *field = child<QLineEdit>(u"allowedIps"_s);
    field->clear();
    field->setFocus();
    QTest::keyClicks(field, text);
    QCOMPARE(field->text(), text);
}

int TestTokenView::rowOf(const QString &tokenId) const
{
    const TokenListModel *model = view()->tokenModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(TokenListModel::TokenIdRole).toString() == tokenId)
            return row;
    }
    return -1;
}

TokenGrant TestTokenView::otherGrant() const
{
    auto grants = m_plane->service().listTokens(m_iris.name);
    if (!grants)
        qFatal("no tokens listed");
    for (const TokenGrant &g : std::as_const(*grants)) {
        if (g.id != m_tokenId)
            return g;
    }
    qFatal("only the first token is listed");
}

void TestTokenView::selectTokenRow(const QString &tokenId)
{
    QTableView *table = view()->tokenTable();
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex index = table->model()->index(row, TokenListModel::Scope);
        if (index.data(TokenListModel::TokenIdRole).toString() == tokenId) {
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
            QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
            return;
        }
    }
    QFAIL(qPrintable(u"token %1 is not listed"_s.arg(tokenId)));
}

void TestTokenView::listShowsNothingBeforeAToken()
{
    QCOMPARE(view()->endpointSelector()->currentEndpoint(), m_iris.id);
    QCOMPARE(view()->tokenModel()->rowCount(), 0);
    QCOMPARE(view()->tokenModel()->columnCount(), int(TokenListModel::ColumnCount));
    QVERIFY(view()->token().isEmpty());
    QVERIFY(!child<QPushButton>(u"copy"_s)->isEnabled());
    QVERIFY(!child<QPushButton>(u"export"_s)->isEnabled());
    QVERIFY(child<QPushButton>(u"generate"_s)->isEnabled());
}

void TestTokenView::allowedIpsCheckedAsTyped_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<bool>("valid");

    QTest::newRow("empty: any address") << QString() << true;
    QTest::newRow("one address") << u"192.168.1.5"_s << true;
    QTest::newRow("a CIDR") << u"10.0.0.0/8"_s << true;
    QTest::newRow("a list") << u"10.0.0.0/8, 192.168.1.5 127.0.0.1/32"_s << true;
    QTest::newRow("IPv6") << u"::1/128, fd00::/8"_s << true;
    QTest::newRow("prefix too long") << u"10.0.0.0/33"_s << false;
    QTest::newRow("not an address") << u"intranet"_s << false;
    QTest::newRow("one bad in a list") << u"10.0.0.0/8, 300.1.1.1"_s << false;
    QTest::newRow("half typed") << u"10.0."_s << false;
}

void TestTokenView::allowedIpsCheckedAsTyped()
{
    QFETCH(QString, typed);
    QFETCH(bool, valid);

    typeAllowedIps(typed);
    auto *error = child<QLabel>(u"allowedIpsError"_s);
    QCOMPARE(error->isVisible(), !valid);
    QCOMPARE(error->text().isEmpty(), valid);
    QCOMPARE(child<QPushButton>(u"generate"_s)->isEnabled(), valid);
    // Nothing is issued for an address list the core would refuse.
    if (!valid) {
        QSignalSpy answered(view(), &TokenView::generateAnswered);
        view()->generate();
        QVERIFY(!view()->isGenerating());
        QCOMPARE(answered.count(), 0);
    }
    QCOMPARE(view()->tokenModel()->rowCount(), 0);
}

void TestTokenView::generateListsTheGrant()
{
    auto *scope = child<QComboBox>(u"scope"_s);
    scope->setCurrentIndex(scope->findData(u"inference"_s));
    child<QSpinBox>(u"expiryAmount"_s)->setValue(2);
    auto *unit = child<QComboBox>(u"expiryUnit"_s);
    unit->setCurrentIndex(unit->findData(3600));
    typeAllowedIps(u"127.0.0.1, 10.0.0.0/8"_s);
    QSignalSpy resets(view()->tokenModel(), &QAbstractItemModel::modelReset);

    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    QTest::mouseClick(child<QPushButton>(u"generate"_s), Qt::LeftButton);
    QVERIFY2(!view()->token().isEmpty(), qPrintable(child<QLabel>(u"generateError"_s)->text()));
    QCOMPARE(child<QLineEdit>(u"token"_s)->text().toLatin1(), view()->token());
    QVERIFY(child<QLineEdit>(u"token"_s)->isReadOnly());
    QVERIFY(child<QPushButton>(u"copy"_s)->isEnabled());
    QVERIFY(child<QPushButton>(u"export"_s)->isEnabled());

    auto grants = service().listTokens(m_iris.name);
    QVERIFY(grants);
    QCOMPARE(grants->size(), 1);
    const TokenGrant &grant = grants->first();
    m_tokenId = grant.id;
    QCOMPARE(grant.scope, u"inference"_s);
    QCOMPARE(grant.allowedIps, (QStringList{u"127.0.0.1/32"_s, u"10.0.0.0/8"_s}));
    QVERIFY(grant.expiresAt);
    QVERIFY(*grant.expiresAt >= before.addSecs(2 * 3600) && *grant.expiresAt <= before.addSecs(2 * 3600 + 5));
    QVERIFY(!grant.revokedAt);

    // Listed in the view at once, without a reset.
    TokenListModel *model = view()->tokenModel();
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, TokenListModel::Id).data(TokenListModel::TokenIdRole).toString(), grant.id);
    QCOMPARE(model->index(0, TokenListModel::Scope).data().toString(), u"inference"_s);
    QCOMPARE(model->index(0, TokenListModel::AllowedIps).data().toString(), u"127.0.0.1/32, 10.0.0.0/8"_s);
    QCOMPARE(model->index(0, TokenListModel::State).data().toString(), u"active"_s);
    QCOMPARE(resets.count(), 0);
}

void TestTokenView::copyPutsTheTokenOnTheClipboard()
{
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(child<QPushButton>(u"copy"_s), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text().toLatin1(), view()->token());
}

void TestTokenView::exportWritesAnOwnerOnlyFileTheCoreVerifies()
{
    const QString path = m_exportDir->filePath(u"iris.token"_s);
    {
        // The file's mode must not depend on the umask: with none at all it is still 0600.
        const UmaskGuard noMask(0);
        Prompt::setNextFileName(path);
        QTest::mouseClick(child<QPushButton>(u"export"_s), Qt::LeftButton);
    }
    QVERIFY2(QFile::exists(path), qPrintable(child<QLabel>(u"tokenResult"_s)->text()));
    QCOMPARE(modeOf(path), mode_t(0600));
    QCOMPARE(QFile::permissions(path) & ~(QFile::ReadUser | QFile::WriteUser),
             QFile::ReadOwner | QFile::WriteOwner);
    QVERIFY(child<QLabel>(u"tokenResult"_s)->text().contains(u"iris.token"_s));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    QCOMPARE(content, view()->token() + '\n');

    // The core's verifier, with the plane's own key (from the keychain or its file), accepts
    // what the file holds.
    auto key = SigningKeyStore::loadOrCreate(m_plane->dataDir());
    QVERIFY(key);
    const TokenSigner signer(*key);
    const QString endpointId = m_iris.id.toString(QUuid::WithoutBraces);
    const auto verdict = signer.verify(content.trimmed(), endpointId, TokenScope::Inference,
                                       QHostAddress(u"127.0.0.1"_s), QDateTime::currentDateTimeUtc());
    QVERIFY2(verdict.accepted(), qPrintable(verdict.reason));
    QCOMPARE(verdict.claims->tokenId, m_tokenId);
    // ...and holds it to what the form asked for.
    const auto elsewhere = signer.verify(content.trimmed(), endpointId, TokenScope::Inference,
                                         QHostAddress(u"192.168.7.7"_s), QDateTime::currentDateTimeUtc());
    QCOMPARE(elsewhere.rejection, std::optional(TokenSigner::Rejection::AddressNotAllowed));
    const auto admin = signer.verify(content.trimmed(), endpointId, TokenScope::Admin, QHostAddress(u"127.0.0.1"_s),
                                     QDateTime::currentDateTimeUtc());
    QCOMPARE(admin.rejection, std::optional(TokenSigner::Rejection::WrongScope));
    const auto later = signer.verify(content.trimmed(), endpointId, TokenScope::Inference,
                                     QHostAddress(u"127.0.0.1"_s), QDateTime::currentDateTimeUtc().addSecs(3 * 3600));
    QCOMPARE(later.rejection, std::optional(TokenSigner::Rejection::Expired));
}

void TestTokenView::exportReplacesAWorldReadableFile()
{
    const QString path = m_exportDir->filePath(u"shared.token"_s);
    {
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("an old token nobody should keep\n");
        old.close();
        QVERIFY(old.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
    }
    QCOMPARE(modeOf(path), mode_t(0644));
    QVERIFY(view()->exportToken(path));
    QCOMPARE(modeOf(path), mode_t(0600));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), view()->token() + '\n');
}

void TestTokenView::exportFailureShowsInPlace()
{
    const QString path = m_exportDir->filePath(u"no-such-folder/iris.token"_s);
    QVERIFY(!view()->exportToken(path));
    QVERIFY(!QFile::exists(path));
    const QString shown = child<QLabel>(u"tokenResult"_s)->text();
    QVERIFY2(shown.contains(u"StorageError"_s), qPrintable(shown));
    // writeSecretFile says why, by name, to any caller.
    auto written = writeSecretFile(path, "x");
    QVERIFY(!written);
    QCOMPARE(written.error().type, ErrorType::StorageError);
}

void TestTokenView::neverExpiringToken()
{
    typeAllowedIps({});
    auto *unit = child<QComboBox>(u"expiryUnit"_s);
    unit->setCurrentIndex(unit->findData(0));
    QVERIFY(!child<QSpinBox>(u"expiryAmount"_s)->isEnabled());
    auto *scope = child<QComboBox>(u"scope"_s);
    scope->setCurrentIndex(scope->findData(u"read-only"_s));
    QSignalSpy answered(view(), &TokenView::generateAnswered);
    view()->generate();
    QTRY_COMPARE(answered.count(), 1);
    QCOMPARE(answered.first().first().toBool(), true);
    auto grants = service().listTokens(m_iris.name);
    QVERIFY(grants);
    QCOMPARE(grants->size(), 2);
    const TokenGrant second = otherGrant();
    QCOMPARE(second.scope, u"read-only"_s);
    QVERIFY(!second.expiresAt);
    QCOMPARE(second.allowedIps, QStringList());
    TokenListModel *model = view()->tokenModel();
    QCOMPARE(model->rowCount(), 2);
    const int row = rowOf(second.id);
    QVERIFY(row >= 0);
    QCOMPARE(model->index(row, TokenListModel::Expires).data().toString(), u"never"_s);
    QCOMPARE(model->index(row, TokenListModel::AllowedIps).data().toString(), u"any address"_s);
}

void TestTokenView::screenshot()
{
    view()->tokenTable()->clearSelection();
    QCOMPARE(m_window->size(), kScreenshotSize);
    const QString failed = UiTest::saveScreenshot(*m_window, u"tokens"_s);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    // What it shows: the Tokens tab with the chosen endpoint's grants listed.
    QCOMPARE(m_window->currentView(), MainWindow::View::Tokens);
    QVERIFY(view()->tokenModel()->rowCount() > 0);
    QCOMPARE(view()->tokenTable()->model()->rowCount(), view()->tokenModel()->rowCount());
}

void TestTokenView::revokeAsksFirst()
{
    selectTokenRow(m_tokenId);
    auto *revoke = child<QPushButton>(u"revoke"_s);
    QVERIFY(revoke->isEnabled());
    Prompt::setNextConfirmation(false);
    QTest::mouseClick(revoke, Qt::LeftButton);
    auto grants = service().listTokens(m_iris.name);
    QVERIFY(grants);
    QVERIFY(!grants->first().revokedAt);
}

void TestTokenView::revokeMarksTheTokenRevoked()
{
    selectTokenRow(m_tokenId);
    QSignalSpy changed(&service(), &ModelServingService::tokensChanged);
    Prompt::setNextConfirmation(true);
    QTest::mouseClick(child<QPushButton>(u"revoke"_s), Qt::LeftButton);
    QCOMPARE(changed.count(), 1);

    auto grants = service().listTokens(m_iris.name);
    QVERIFY(grants);
    const auto it = std::find_if(grants->begin(), grants->end(), [this](const TokenGrant &g) { return g.id == m_tokenId; });
    QVERIFY(it != grants->end());
    QVERIFY(it->revokedAt);

    TokenListModel *model = view()->tokenModel();
    const int row = rowOf(m_tokenId);
    QVERIFY(row >= 0);
    QCOMPARE(model->index(row, TokenListModel::State).data().toString(), u"revoked"_s);
    QVERIFY(model->index(row, TokenListModel::State).data(TokenListModel::RevokedRole).toBool());
    // A revoked token cannot be revoked again; the other one stays active.
    QVERIFY(!child<QPushButton>(u"revoke"_s)->isEnabled());
    QCOMPARE(model->index(1 - row, TokenListModel::State).data().toString(), u"active"_s);
}

void TestTokenView::otherEndpointHasItsOwnTokens()
{
    QVERIFY(!view()->token().isEmpty());
    view()->endpointSelector()->setCurrentEndpoint(m_fraud.id);
    QCOMPARE(view()->tokenModel()->rowCount(), 0);
    // The token shown belonged to the other endpoint: it is gone with it.
    QVERIFY(view()->token().isEmpty());
    QVERIFY(child<QLineEdit>(u"token"_s)->text().isEmpty());
    QVERIFY(!child<QPushButton>(u"export"_s)->isEnabled());
    // Revoking through the API (another console) shows here live.
    view()->endpointSelector()->setCurrentEndpoint(m_iris.id);
    QCOMPARE(view()->tokenModel()->rowCount(), 2);
    const TokenGrant second = otherGrant();
    QVERIFY(service().revokeToken(m_iris.name, second.id));
    QTRY_COMPARE(view()->tokenModel()->index(rowOf(second.id), TokenListModel::State).data().toString(),
                 u"revoked"_s);
}

QTEST_MAIN(TestTokenView)
#include "test_tokenview.moc"
