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
#include "support/manualclock.h"

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

// The id a token's claims carry, read back by an authorizer that passes it.
QString idOf(const QByteArray &authorization)
{
    QString id;
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey));
    const bool passed = !authorizer.check(kEndpoint, nullptr, {{"authorization", authorization}},
                                          QHostAddress(u"127.0.0.1"_s), &id);
    return passed ? id : QString();
}

// The status of one check: 0 when it passes, else the refusal's, with its reason in *reason.
int statusOf(const RequestAuthorizer &authorizer, const QByteArray &authorization, const QString &endpoint = kEndpoint,
             const QSet<QString> &revoked = {}, const QString &peer = u"127.0.0.1"_s, QString *reason = nullptr)
{
    const std::optional<RequestAuthorizer::Refusal> refusal =
        authorizer.check(endpoint, &revoked, {{"authorization", authorization}}, QHostAddress(peer));
    if (refusal && reason) {
        const QJsonObject error = QJsonDocument::fromJson(refusal->response.body).object()[u"error"_s].toObject();
        *reason = error[u"details"_s].toObject()[u"reason"_s].toString();
    }
    return refusal ? refusal->response.status : 0;
}

} // namespace

class TestRequestAuthorizer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checksTheToken_data();
    void checksTheToken();
    void withoutSignerEveryoneIsRefused();
    // The cache of verified tokens.
    void aPassedTokenIsRemembered();
    void aRememberedTokenIsRefusedFromItsExpiry();
    void aRememberedTokenIsVerifiedAgainAfterTheBound();
    void aRememberedTokenIsRefusedOnceRevoked();
    void aRememberedTokenIsRefusedElsewhere_data();
    void aRememberedTokenIsRefusedElsewhere();
    void aRefusedTokenIsNotRemembered_data();
    void aRefusedTokenIsNotRemembered();
    void theCacheIsBounded();
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

void TestRequestAuthorizer::aPassedTokenIsRemembered()
{
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey));
    const QByteArray good = token();
    const QString expectedId = idOf(good);
    QVERIFY(!expectedId.isEmpty());
    for (int i = 0; i < 3; ++i) {
        QString id;
        QVERIFY(!authorizer.check(kEndpoint, nullptr, {{"authorization", good}}, QHostAddress(u"127.0.0.1"_s), &id));
        QCOMPARE(id, expectedId);  // from the cache as from the signer
    }
    QCOMPARE(authorizer.cachedTokens(), 1);
    QCOMPARE(authorizer.cacheHits(), quint64(2));
}

void TestRequestAuthorizer::aRememberedTokenIsRefusedFromItsExpiry()
{
    ManualClock clock;
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey), clock);
    const QByteArray expiring = token([&clock](TokenClaims &c) { c.expiresAt = clock.now().addSecs(30); });
    QCOMPARE(statusOf(authorizer, expiring), 0);
    clock.advance(29);
    QCOMPARE(statusOf(authorizer, expiring), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(1));
    clock.advance(1);  // exp itself: no longer valid (RFC 7519)
    QString reason;
    QCOMPARE(statusOf(authorizer, expiring, kEndpoint, {}, u"127.0.0.1"_s, &reason), 401);
    QCOMPARE(reason, u"Expired"_s);
    QCOMPARE(authorizer.cacheHits(), quint64(1));
    QCOMPARE(authorizer.cachedTokens(), 0);
    // A clock set back does not bring it back from the cache: the signer decides (and accepts).
    clock.advance(-10);
    QCOMPARE(statusOf(authorizer, expiring), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(1));
}

void TestRequestAuthorizer::aRememberedTokenIsVerifiedAgainAfterTheBound()
{
    ManualClock clock;
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey), clock);
    const QByteArray forever = token();  // no exp
    QCOMPARE(statusOf(authorizer, forever), 0);
    clock.advance(RequestAuthorizer::MaxCachedSeconds - 1);
    QCOMPARE(statusOf(authorizer, forever), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(1));
    clock.advance(1);
    QCOMPARE(statusOf(authorizer, forever), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(1));  // verified again, and remembered anew
    QCOMPARE(statusOf(authorizer, forever), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(2));
    // A clock set back before the entry was made does not stretch it either.
    clock.advance(-1);
    QCOMPARE(statusOf(authorizer, forever), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(2));
}

void TestRequestAuthorizer::aRememberedTokenIsRefusedOnceRevoked()
{
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey));
    const QByteArray good = token();
    const QString id = idOf(good);
    QCOMPARE(statusOf(authorizer, good, kEndpoint, {kRevokedId}), 0);
    QCOMPARE(statusOf(authorizer, good, kEndpoint, {kRevokedId}), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(1));
    // The next snapshot revokes it.
    QString reason;
    QCOMPARE(statusOf(authorizer, good, kEndpoint, {kRevokedId, id}, u"127.0.0.1"_s, &reason), 401);
    QCOMPARE(reason, u"Revoked"_s);
    QCOMPARE(authorizer.cachedTokens(), 0);
    reason.clear();
    QCOMPARE(statusOf(authorizer, good, kEndpoint, {kRevokedId, id}, u"127.0.0.1"_s, &reason), 401);
    QCOMPARE(reason, u"Revoked"_s);
    QCOMPARE(authorizer.cachedTokens(), 0);  // a revoked token is not remembered
}

void TestRequestAuthorizer::aRememberedTokenIsRefusedElsewhere_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QString>("firstPeer");  // where it passes and is remembered from
    QTest::addColumn<QString>("endpoint");   // then a request for this endpoint
    QTest::addColumn<QString>("peer");       // from this address
    QTest::addColumn<QString>("reason");     // is refused 403 with this reason

    const QString local = u"127.0.0.1"_s;
    QTest::newRow("another endpoint") << token() << local << QUuid::createUuid().toString(QUuid::WithoutBraces)
                                      << local << u"WrongEndpoint"_s;
    QTest::newRow("an address not allowed")
        << token([](TokenClaims &c) { c.allowedIps = {u"10.0.0.0/8"_s}; }) << u"10.1.2.3"_s << kEndpoint << local
        << u"AddressNotAllowed"_s;
    QTest::newRow("an IPv6 address not allowed")
        << token([](TokenClaims &c) { c.allowedIps = {u"::1/128"_s}; }) << u"::1"_s << kEndpoint << u"::2"_s
        << u"AddressNotAllowed"_s;
}

void TestRequestAuthorizer::aRememberedTokenIsRefusedElsewhere()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QString, firstPeer);
    QFETCH(QString, endpoint);
    QFETCH(QString, peer);
    QFETCH(QString, reason);
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey));
    QCOMPARE(statusOf(authorizer, authorization, kEndpoint, {}, firstPeer), 0);
    QCOMPARE(statusOf(authorizer, authorization, kEndpoint, {}, firstPeer), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(1));
    QString refused;
    for (int i = 0; i < 2; ++i) {  // refused every time, not remembered as passed
        QCOMPARE(statusOf(authorizer, authorization, endpoint, {}, peer, &refused), 403);
        QCOMPARE(refused, reason);
    }
    QCOMPARE(authorizer.cacheHits(), quint64(1));
    QCOMPARE(authorizer.cachedTokens(), 1);  // only the request that passed
    QCOMPARE(statusOf(authorizer, authorization, kEndpoint, {}, firstPeer), 0);  // where it still passes
}

void TestRequestAuthorizer::aRefusedTokenIsNotRemembered_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<int>("status");

    QTest::newRow("another key") << token({}, QByteArray(32, 'x')) << 401;
    QTest::newRow("expired")
        << token([](TokenClaims &c) { c.expiresAt = QDateTime::currentDateTimeUtc().addSecs(-1); }) << 401;
    QTest::newRow("read-only scope") << token([](TokenClaims &c) { c.scope = TokenScope::ReadOnly; }) << 403;
    QTest::newRow("another endpoint")
        << token([](TokenClaims &c) { c.endpointId = QUuid::createUuid().toString(QUuid::WithoutBraces); }) << 403;
    QTest::newRow("another address") << token([](TokenClaims &c) { c.allowedIps = {u"10.0.0.0/8"_s}; }) << 403;
}

void TestRequestAuthorizer::aRefusedTokenIsNotRemembered()
{
    QFETCH(QByteArray, authorization);
    QFETCH(int, status);
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(statusOf(authorizer, authorization), status);
    QCOMPARE(authorizer.cachedTokens(), 0);
    QCOMPARE(authorizer.cacheHits(), quint64(0));
}

void TestRequestAuthorizer::theCacheIsBounded()
{
    const RequestAuthorizer authorizer(std::make_shared<TokenSigner>(kKey));
    const TokenSigner signer(kKey);
    TokenClaims claims;
    claims.endpointId = kEndpoint;
    claims.issuedAt = QDateTime::currentDateTimeUtc();
    QByteArray last;
    for (qsizetype i = 0; i < RequestAuthorizer::MaxCachedTokens + 10; ++i) {
        claims.tokenId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        last = "Bearer " + signer.sign(claims);
        QCOMPARE(statusOf(authorizer, last), 0);
        QVERIFY(authorizer.cachedTokens() <= RequestAuthorizer::MaxCachedTokens);
    }
    QCOMPARE(authorizer.cachedTokens(), RequestAuthorizer::MaxCachedTokens);
    QCOMPARE(authorizer.cacheHits(), quint64(0));
    QCOMPARE(statusOf(authorizer, last), 0);  // the newest one stays
    QCOMPARE(authorizer.cacheHits(), quint64(1));
}

QTEST_GUILESS_MAIN(TestRequestAuthorizer)
#include "test_requestauthorizer.moc"
