// RequestAuthorizer alone: which Authorization headers and tokens pass a private endpoint, and
// which are refused with 401 or 403, the reason in the error details and the metrics label.
#include <functional>
#include <memory>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUuid>

#include "auth/tokensigner.h"
#include "proxy/requestauthorizer.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kKey(32, 'k');
const QString kEndpoint = u"6f1d2c3b-0000-4000-8000-000000000001"_s;
const QString kRevokedId = u"6f1d2c3b-0000-4000-8000-00000000dead"_s;

// A token for kEndpoint with the inference scope, never expiring, from any address; change
// alters its claims first.
QByteArray token(const std::function<void(TokenClaims &)> &change = {}, const QByteArray &key = kKey)
{
    TokenClaims claims;
    claims.tokenId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    claims.endpointId = kEndpoint;
    claims.issuedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    if (change)
        change(claims);
    return "Bearer " + TokenSigner(key).sign(claims);
}

} // namespace

class TestRequestAuthorizer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checksTheToken_data();
    void checksTheToken();
    void withoutSignerEveryoneIsRefused();
};

void TestRequestAuthorizer::checksTheToken_data()
{
    QTest::addColumn<QByteArray>("authorization");  // the header's value; empty: no header
    QTest::addColumn<int>("status");                // 0: passes
    QTest::addColumn<QString>("reason");

    const QByteArray good = token();
    QTest::newRow("valid") << good << 0 << QString();
    QTest::newRow("scheme in any case, spaces around") << "  bEaReR   " + good.sliced(7) + "  " << 0 << QString();
    QTest::newRow("admin satisfies inference")
        << token([](TokenClaims &c) { c.scope = TokenScope::Admin; }) << 0 << QString();
    QTest::newRow("no header") << QByteArray() << 401 << u"Missing"_s;
    QTest::newRow("scheme only") << QByteArray("Bearer ") << 401 << u"Missing"_s;
    QTest::newRow("another scheme") << "Basic " + good.sliced(7) << 401 << u"Missing"_s;
    QTest::newRow("not a token") << QByteArray("Bearer abc") << 401 << u"Malformed"_s;
    QTest::newRow("another key") << token({}, QByteArray(32, 'x')) << 401 << u"BadSignature"_s;
    QTest::newRow("expired")
        << token([](TokenClaims &c) { c.expiresAt = QDateTime::currentDateTimeUtc().addSecs(-1); }) << 401
        << u"Expired"_s;
    QTest::newRow("revoked") << token([](TokenClaims &c) { c.tokenId = kRevokedId; }) << 401 << u"Revoked"_s;
    // Genuine tokens, not for this: 403.
    QTest::newRow("another endpoint")
        << token([](TokenClaims &c) { c.endpointId = QUuid::createUuid().toString(QUuid::WithoutBraces); }) << 403
        << u"WrongEndpoint"_s;
    QTest::newRow("read-only scope")
        << token([](TokenClaims &c) { c.scope = TokenScope::ReadOnly; }) << 403 << u"WrongScope"_s;
    QTest::newRow("another address")
        << token([](TokenClaims &c) { c.allowedIps = {u"10.0.0.0/8"_s}; }) << 403 << u"AddressNotAllowed"_s;
}

void TestRequestAuthorizer::checksTheToken()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    QFETCH(QString, reason);
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey));
    HeaderList headers{{"host", "proxy"}};
    if (!authorization.isEmpty())
        headers.append({"Authorization", authorization});
    const QSet<QString> revoked{kRevokedId};
    const std::optional<RequestAuthorizer::Refusal> refusal =
        authorizer.check(kEndpoint, &revoked, headers, QHostAddress(u"127.0.0.1"_s));
    if (status == 0) {
        QVERIFY2(!refusal, refusal ? refusal->response.body.constData() : "");
        return;
    }
    QVERIFY(refusal);
    QCOMPARE(refusal->response.status, status);
    QCOMPARE(refusal->reason, status == 403 ? RejectReason::Forbidden : RejectReason::Unauthorized);
    const QJsonObject error = QJsonDocument::fromJson(refusal->response.body).object()[u"error"_s].toObject();
    QCOMPARE(error[u"type"_s].toString(), status == 403 ? u"Forbidden"_s : u"Unauthorized"_s);
    QCOMPARE(error[u"details"_s].toObject()[u"reason"_s].toString(), reason);
    bool challenged = false;
    for (const auto &[name, value] : refusal->response.headers)
        challenged = challenged || (name == "WWW-Authenticate" && value == "Bearer realm=\"servedeck\"");
    QCOMPARE(challenged, status == 401);  // a 403 is not a request for credentials
}

void TestRequestAuthorizer::withoutSignerEveryoneIsRefused()
{
    const RequestAuthorizer authorizer(nullptr);
    const HeaderList headers{{"authorization", token([](TokenClaims &c) { c.scope = TokenScope::Admin; })}};
    const std::optional<RequestAuthorizer::Refusal> refusal =
        authorizer.check(kEndpoint, nullptr, headers, QHostAddress(u"127.0.0.1"_s));
    QVERIFY(refusal);
    QCOMPARE(refusal->response.status, 401);
    QVERIFY(refusal->response.body.contains("NoSigner"));
}

QTEST_GUILESS_MAIN(TestRequestAuthorizer)
#include "test_requestauthorizer.moc"
