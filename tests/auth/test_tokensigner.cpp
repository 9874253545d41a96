#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "auth/ipallowlist.h"
#include "auth/signingkeyfile.h"
#include "auth/tokenclaims.h"
#include "auth/tokensigner.h"

using namespace ServeDeck;

Q_DECLARE_METATYPE(ServeDeck::TokenScope)

namespace {

const QByteArray kKey = QByteArrayLiteral("0123456789abcdef0123456789ABCDEF-servedeck");
const QByteArray kOtherKey = QByteArrayLiteral("fedcba9876543210FEDCBA9876543210-otherkey!");
const QString kEndpoint = QStringLiteral("ep-1");
const QDateTime kIssued(QDate(2024, 5, 1), QTime(12, 0), Qt::UTC);
const QDateTime kExpires = kIssued.addSecs(3600);
const QDateTime kDuring = kIssued.addSecs(10);

QByteArray b64(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray unb64(const QByteArray &text)
{
    return QByteArray::fromBase64(text, QByteArray::Base64UrlEncoding);
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// An independent HS256 implementation (Qt's HMAC) to forge tokens with arbitrary
// header/payload bytes and to cross-check what TokenSigner produces.
QByteArray forge(const QByteArray &headerJson, const QByteArray &payloadJson, const QByteArray &key = kKey)
{
    const QByteArray input = b64(headerJson) + '.' + b64(payloadJson);
    return input + '.' + b64(QMessageAuthenticationCode::hash(input, key, QCryptographicHash::Sha256));
}

const QByteArray kHs256Header = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})");

TokenClaims claims(TokenScope scope = TokenScope::Inference, QStringList ips = {},
                   std::optional<QDateTime> expires = kExpires)
{
    TokenClaims c;
    c.tokenId = QStringLiteral("5f0c3a4e-8d2b-4c1e-9a7f-2b6d1e0c9a11");
    c.endpointId = kEndpoint;
    c.scope = scope;
    c.issuedAt = kIssued;
    c.expiresAt = std::move(expires);
    c.allowedIps = std::move(ips);
    return c;
}

// The error text of a failed Result, for QVERIFY2 (which evaluates its message even on success).
template<typename T>
QString failure(const Result<T> &result)
{
    return result ? QString() : result.error().message;
}

QJsonObject payloadOf(const QByteArray &token)
{
    return QJsonDocument::fromJson(unb64(token.split('.').value(1))).object();
}

QByteArray withPart(const QByteArray &token, int index, const QByteArray &part)
{
    QList<QByteArray> parts = token.split('.');
    parts[index] = part;
    return parts.join('.');
}

} // namespace

class TestTokenSigner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scopeNames();
    void rejectionNames();
    void signProducesStandardJwt();
    void roundTripKeepsClaims();
    void verify_data();
    void verify();
    void tokenWithoutExpiryNeverExpires();
    void shortKeyFailsClosed();
    void allowlistRejectsBadEntries_data();
    void allowlistRejectsBadEntries();
    void allowlistNormalises();
    void allowlistMatches();
    void keyFileCreatedWith0600();
    void keyFileReusesKey();
    void keyFileRejectsBroadPermissions_data();
    void keyFileRejectsBroadPermissions();
    void keyFileRejectsWrongSize_data();
    void keyFileRejectsWrongSize();
    void keyFileRejectsDirectory();

private:
    TokenSigner m_signer{kKey};
};

void TestTokenSigner::scopeNames()
{
    for (const TokenScope scope : {TokenScope::Inference, TokenScope::ReadOnly, TokenScope::Admin})
        QCOMPARE(tokenScopeFromName(tokenScopeName(scope)), scope);
    QCOMPARE(tokenScopeName(TokenScope::ReadOnly), QStringLiteral("read-only"));
    QVERIFY(!tokenScopeFromName(QStringLiteral("Admin")));
    QVERIFY(!tokenScopeFromName(QString()));
}

void TestTokenSigner::rejectionNames()
{
    QCOMPARE(TokenSigner::rejectionName(TokenSigner::Rejection::Malformed), QStringLiteral("Malformed"));
    QCOMPARE(TokenSigner::rejectionName(TokenSigner::Rejection::AddressNotAllowed),
             QStringLiteral("AddressNotAllowed"));
}

void TestTokenSigner::signProducesStandardJwt()
{
    const QByteArray token = m_signer.sign(claims(TokenScope::ReadOnly, {QStringLiteral("10.0.0.0/8")}));
    const QList<QByteArray> parts = token.split('.');
    QCOMPARE(parts.size(), 3);
    QCOMPARE(unb64(parts[0]), kHs256Header);
    QVERIFY(!token.contains('='));
    // Any HS256 implementation must agree on the signature.
    QCOMPARE(unb64(parts[2]),
             QMessageAuthenticationCode::hash(parts[0] + '.' + parts[1], kKey, QCryptographicHash::Sha256));

    const QJsonObject payload = payloadOf(token);
    QCOMPARE(payload.value(QStringLiteral("jti")).toString(), claims().tokenId);
    QCOMPARE(payload.value(QStringLiteral("sub")).toString(), kEndpoint);
    QCOMPARE(payload.value(QStringLiteral("scope")).toString(), QStringLiteral("read-only"));
    QCOMPARE(payload.value(QStringLiteral("iss")).toString(), QStringLiteral("servedeck"));
    QCOMPARE(payload.value(QStringLiteral("iat")).toInteger(), kIssued.toSecsSinceEpoch());
    QCOMPARE(payload.value(QStringLiteral("exp")).toInteger(), kExpires.toSecsSinceEpoch());
    QCOMPARE(payload.value(QStringLiteral("ips")).toArray(), QJsonArray{QStringLiteral("10.0.0.0/8")});

    const QJsonObject bare = payloadOf(m_signer.sign(claims(TokenScope::Admin, {}, std::nullopt)));
    QVERIFY(!bare.contains(QStringLiteral("exp")));
    QVERIFY(!bare.contains(QStringLiteral("ips")));
}

void TestTokenSigner::roundTripKeepsClaims()
{
    const TokenClaims original = claims(TokenScope::Admin, {QStringLiteral("192.168.1.0/24"), QStringLiteral("::1")});
    const TokenSigner::Verdict verdict = m_signer.verify(m_signer.sign(original), kEndpoint, TokenScope::Admin,
                                                         QHostAddress(QStringLiteral("::1")), kDuring);
    QVERIFY2(verdict.accepted(), qPrintable(verdict.reason));
    QVERIFY(!verdict.rejection);
    QVERIFY(verdict.reason.isEmpty());
    QCOMPARE(*verdict.claims, original);
    QCOMPARE(verdict.claims->issuedAt.timeSpec(), Qt::UTC);
}

void TestTokenSigner::verify_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<TokenScope>("required");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QString>("expected"); // rejection name, empty = accepted

    const TokenSigner signer(kKey);
    const QByteArray inference = signer.sign(claims());
    const QByteArray readOnly = signer.sign(claims(TokenScope::ReadOnly));
    const QByteArray admin = signer.sign(claims(TokenScope::Admin));
    const QByteArray fenced = signer.sign(
        claims(TokenScope::Inference, {QStringLiteral("192.168.1.0/24"), QStringLiteral("2001:db8::/32")}));
    const QString peer = QStringLiteral("203.0.113.9");
    const QString ep = kEndpoint;
    const auto I = TokenScope::Inference;
    const auto R = TokenScope::ReadOnly;
    const auto A = TokenScope::Admin;

    QTest::newRow("valid") << inference << ep << I << peer << kDuring << QString();

    // --- Signature and algorithm
    QJsonObject escalated = payloadOf(inference);
    escalated.insert(QStringLiteral("scope"), QStringLiteral("admin"));
    QTest::newRow("tampered payload") << withPart(inference, 1, b64(compact(escalated))) << ep << A << peer
                                      << kDuring << QStringLiteral("BadSignature");
    QByteArray mac = unb64(inference.split('.').value(2));
    mac[0] = char(mac[0] ^ 0x01);
    QTest::newRow("tampered signature") << withPart(inference, 2, b64(mac)) << ep << I << peer << kDuring
                                        << QStringLiteral("BadSignature");
    QTest::newRow("truncated signature") << withPart(inference, 2, b64(mac.left(31))) << ep << I << peer
                                         << kDuring << QStringLiteral("BadSignature");
    const QByteArray noneHeader = b64(QByteArrayLiteral(R"({"alg":"none","typ":"JWT"})"));
    QTest::newRow("alg none, empty signature") << withPart(withPart(inference, 0, noneHeader), 2, QByteArray())
                                               << ep << I << peer << kDuring << QStringLiteral("BadSignature");
    QTest::newRow("alg none, kept signature") << withPart(inference, 0, noneHeader) << ep << I << peer
                                              << kDuring << QStringLiteral("BadSignature");
    const QByteArray payloadJson = unb64(inference.split('.').value(1));
    QTest::newRow("alg HS512") << forge(QByteArrayLiteral(R"({"alg":"HS512","typ":"JWT"})"), payloadJson) << ep
                               << I << peer << kDuring << QStringLiteral("BadSignature");
    QTest::newRow("alg lower-case") << forge(QByteArrayLiteral(R"({"alg":"hs256"})"), payloadJson) << ep << I
                                    << peer << kDuring << QStringLiteral("BadSignature");
    QTest::newRow("alg missing") << forge(QByteArrayLiteral(R"({"typ":"JWT"})"), payloadJson) << ep << I
                                 << peer << kDuring << QStringLiteral("BadSignature");
    QTest::newRow("wrong key") << TokenSigner(kOtherKey).sign(claims()) << ep << I << peer << kDuring
                               << QStringLiteral("BadSignature");
    QTest::newRow("independent HS256 accepted") << forge(kHs256Header, payloadJson) << ep << I << peer
                                                << kDuring << QString();

    // --- Expiry
    QTest::newRow("expired") << inference << ep << I << peer << kExpires.addSecs(1) << QStringLiteral("Expired");
    QTest::newRow("expired exactly at exp") << inference << ep << I << peer << kExpires
                                            << QStringLiteral("Expired");
    QTest::newRow("one second before exp") << inference << ep << I << peer << kExpires.addSecs(-1) << QString();
    QTest::newRow("invalid now") << inference << ep << I << peer << QDateTime() << QStringLiteral("Expired");

    // --- Endpoint and scope
    QTest::newRow("other endpoint") << inference << QStringLiteral("ep-2") << I << peer << kDuring
                                    << QStringLiteral("WrongEndpoint");
    QTest::newRow("read-only used for inference") << readOnly << ep << I << peer << kDuring
                                                  << QStringLiteral("WrongScope");
    QTest::newRow("read-only used for read-only") << readOnly << ep << R << peer << kDuring << QString();
    QTest::newRow("read-only used for admin") << readOnly << ep << A << peer << kDuring
                                              << QStringLiteral("WrongScope");
    QTest::newRow("inference used for admin") << inference << ep << A << peer << kDuring
                                              << QStringLiteral("WrongScope");
    QTest::newRow("inference used for read-only") << inference << ep << R << peer << kDuring
                                                  << QStringLiteral("WrongScope");
    QTest::newRow("admin used for inference") << admin << ep << I << peer << kDuring << QString();
    QTest::newRow("admin used for read-only") << admin << ep << R << peer << kDuring << QString();
    QTest::newRow("admin used for admin") << admin << ep << A << peer << kDuring << QString();

    // --- Peer address
    QTest::newRow("peer inside CIDR") << fenced << ep << I << QStringLiteral("192.168.1.7") << kDuring << QString();
    QTest::newRow("peer outside CIDR") << fenced << ep << I << QStringLiteral("10.0.0.1") << kDuring
                                       << QStringLiteral("AddressNotAllowed");
    QTest::newRow("IPv4-mapped peer inside") << fenced << ep << I << QStringLiteral("::ffff:192.168.1.7")
                                             << kDuring << QString();
    QTest::newRow("IPv4-mapped peer outside") << fenced << ep << I << QStringLiteral("::ffff:10.0.0.1")
                                              << kDuring << QStringLiteral("AddressNotAllowed");
    QTest::newRow("IPv6 peer inside") << fenced << ep << I << QStringLiteral("2001:db8::5") << kDuring
                                      << QString();
    QTest::newRow("IPv6 peer outside") << fenced << ep << I << QStringLiteral("2001:db9::5") << kDuring
                                       << QStringLiteral("AddressNotAllowed");
    QTest::newRow("unknown peer") << fenced << ep << I << QString() << kDuring
                                  << QStringLiteral("AddressNotAllowed");
    QTest::newRow("unfenced token, any peer") << inference << ep << I << QStringLiteral("::1") << kDuring
                                              << QString();

    // --- Malformed
    const QString malformed = QStringLiteral("Malformed");
    const QList<QByteArray> parts = inference.split('.');
    QTest::newRow("empty") << QByteArray() << ep << I << peer << kDuring << malformed;
    QTest::newRow("2 parts") << QByteArray(parts[0] + '.' + parts[1]) << ep << I << peer << kDuring << malformed;
    QTest::newRow("4 parts") << QByteArray(inference + '.' + parts[2]) << ep << I << peer << kDuring << malformed;
    QTest::newRow("bad base64 header") << withPart(inference, 0, "eyJ!bGci") << ep << I << peer << kDuring
                                       << malformed;
    QTest::newRow("bad base64 payload") << withPart(inference, 1, parts[1] + '*') << ep << I << peer << kDuring
                                        << malformed;
    QTest::newRow("standard base64 alphabet") << withPart(inference, 2, QByteArray(parts[2]).replace('-', '+').replace('_', '/') + "+/")
                                              << ep << I << peer << kDuring << malformed;
    QTest::newRow("padded signature") << QByteArray(inference + '=') << ep << I << peer << kDuring << malformed;
    QTest::newRow("non-JSON header") << withPart(inference, 0, b64("not json")) << ep << I << peer << kDuring
                                     << malformed;
    QTest::newRow("non-JSON payload") << forge(kHs256Header, "not json") << ep << I << peer << kDuring
                                      << malformed;
    QTest::newRow("array payload") << forge(kHs256Header, "[1,2]") << ep << I << peer << kDuring << malformed;

    const QJsonObject good = payloadOf(inference);
    auto signedWith = [&](const QString &key, const QJsonValue &value) {
        QJsonObject p = good;
        if (value.isUndefined())
            p.remove(key);
        else
            p.insert(key, value);
        return forge(kHs256Header, compact(p));
    };
    QTest::newRow("missing sub") << signedWith(QStringLiteral("sub"), QJsonValue::Undefined) << ep << I << peer
                                 << kDuring << malformed;
    QTest::newRow("missing jti") << signedWith(QStringLiteral("jti"), QJsonValue::Undefined) << ep << I << peer
                                 << kDuring << malformed;
    QTest::newRow("unknown scope") << signedWith(QStringLiteral("scope"), QStringLiteral("root")) << ep << I
                                   << peer << kDuring << malformed;
    QTest::newRow("foreign issuer") << signedWith(QStringLiteral("iss"), QStringLiteral("someone")) << ep << I
                                    << peer << kDuring << malformed;
    QTest::newRow("fractional iat") << signedWith(QStringLiteral("iat"), 1.5) << ep << I << peer << kDuring
                                    << malformed;
    QTest::newRow("string exp") << signedWith(QStringLiteral("exp"), QStringLiteral("never")) << ep << I << peer
                                << kDuring << malformed;
    QTest::newRow("ips not an array") << signedWith(QStringLiteral("ips"), QStringLiteral("10.0.0.0/8")) << ep
                                      << I << peer << kDuring << malformed;
    QTest::newRow("bad ips entry") << signedWith(QStringLiteral("ips"), QJsonArray{QStringLiteral("10.0.0.0/99")})
                                   << ep << I << peer << kDuring << malformed;
    QTest::newRow("oversized") << QByteArray(inference + QByteArray(9000, 'A')) << ep << I << peer << kDuring
                               << malformed;
}

void TestTokenSigner::verify()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, endpoint);
    QFETCH(TokenScope, required);
    QFETCH(QString, peer);
    QFETCH(QDateTime, now);
    QFETCH(QString, expected);

    const TokenSigner::Verdict verdict = m_signer.verify(token, endpoint, required, QHostAddress(peer), now);
    if (expected.isEmpty()) {
        QVERIFY2(verdict.accepted(), qPrintable(verdict.reason));
        QVERIFY(verdict.claims);
        QVERIFY(!verdict.rejection);
    } else {
        QVERIFY2(verdict.rejection, "token was accepted");
        QCOMPARE(TokenSigner::rejectionName(*verdict.rejection), expected);
        // Claims of a refused token must never reach the caller.
        QVERIFY(!verdict.claims);
        QVERIFY(!verdict.accepted());
        QVERIFY(!verdict.reason.isEmpty());
    }
}

void TestTokenSigner::tokenWithoutExpiryNeverExpires()
{
    const QByteArray token = m_signer.sign(claims(TokenScope::Inference, {}, std::nullopt));
    for (const QDateTime &now : {kIssued, kIssued.addYears(50), QDateTime(QDate(9999, 12, 31), QTime(23, 59), Qt::UTC)}) {
        const TokenSigner::Verdict verdict =
            m_signer.verify(token, kEndpoint, TokenScope::Inference, QHostAddress::LocalHost, now);
        QVERIFY2(verdict.accepted(), qPrintable(verdict.reason));
        QVERIFY(!verdict.claims->expiresAt);
    }
}

void TestTokenSigner::shortKeyFailsClosed()
{
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("signing key is 16 bytes")));
    const TokenSigner weak(QByteArray(16, 'x'));
    QVERIFY(!weak.isValid());
    QVERIFY(m_signer.isValid());
    QVERIFY(weak.sign(claims()).isEmpty());
    const TokenSigner::Verdict verdict =
        weak.verify(m_signer.sign(claims()), kEndpoint, TokenScope::Inference, QHostAddress::LocalHost, kDuring);
    QCOMPARE(verdict.rejection, TokenSigner::Rejection::BadSignature);
}

void TestTokenSigner::allowlistRejectsBadEntries_data()
{
    QTest::addColumn<QString>("entry");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << QStringLiteral("  ");
    QTest::newRow("word") << QStringLiteral("localhost");
    QTest::newRow("short dotted") << QStringLiteral("192.168");
    QTest::newRow("short dotted with prefix") << QStringLiteral("10.1/16");
    QTest::newRow("leading zero") << QStringLiteral("010.0.0.1");
    QTest::newRow("bad octet") << QStringLiteral("192.168.1.256/24");
    QTest::newRow("prefix too long v4") << QStringLiteral("192.168.1.0/33");
    QTest::newRow("prefix too long v6") << QStringLiteral("2001:db8::/129");
    QTest::newRow("empty prefix") << QStringLiteral("10.0.0.0/");
    QTest::newRow("negative prefix") << QStringLiteral("10.0.0.0/-1");
    QTest::newRow("plus prefix") << QStringLiteral("10.0.0.0/+8");
    QTest::newRow("netmask") << QStringLiteral("192.168.1.0/255.255.255.0");
    QTest::newRow("double slash") << QStringLiteral("10.0.0.0/8/8");
    QTest::newRow("scope id") << QStringLiteral("fe80::1%eth0/64");
    QTest::newRow("no address") << QStringLiteral("/24");
}

void TestTokenSigner::allowlistRejectsBadEntries()
{
    QFETCH(QString, entry);
    const Result<IpAllowlist> result = IpAllowlist::parse({QStringLiteral("10.0.0.0/8"), entry});
    QVERIFY(!result);
    QCOMPARE(result.error().type, ErrorType::InvalidArgument);
    QVERIFY2(result.error().message.contains(QLatin1Char('\'') + entry + QLatin1Char('\'')),
             qPrintable(result.error().message));
    QCOMPARE(result.error().details.value(QStringLiteral("entry")).toString(), entry);
}

void TestTokenSigner::allowlistNormalises()
{
    const Result<IpAllowlist> list = IpAllowlist::parse({QStringLiteral("10.0.0.1"), QStringLiteral("2001:db8::1"),
                                                         QStringLiteral(" 192.168.1.5/24 "),
                                                         QStringLiteral("2001:DB8:1::/48"), QStringLiteral("0.0.0.0/0")});
    QVERIFY2(list, qPrintable(failure(list)));
    QCOMPARE(list->toStringList(),
             (QStringList{QStringLiteral("10.0.0.1/32"), QStringLiteral("2001:db8::1/128"),
                          QStringLiteral("192.168.1.0/24"), QStringLiteral("2001:db8:1::/48"),
                          QStringLiteral("0.0.0.0/0")}));
    // Canonical output parses back to itself.
    QCOMPARE(IpAllowlist::parse(list->toStringList())->toStringList(), list->toStringList());
}

void TestTokenSigner::allowlistMatches()
{
    const Result<IpAllowlist> empty = IpAllowlist::parse({});
    QVERIFY(empty);
    QVERIFY(empty->isEmpty());
    QVERIFY(empty->allows(QHostAddress(QStringLiteral("198.51.100.1"))));
    QVERIFY(empty->allows(QHostAddress()));

    const Result<IpAllowlist> list =
        IpAllowlist::parse({QStringLiteral("10.1.2.3"), QStringLiteral("192.168.1.0/24"), QStringLiteral("fd00::/8")});
    QVERIFY(list);
    QVERIFY(list->allows(QHostAddress(QStringLiteral("10.1.2.3"))));
    QVERIFY(!list->allows(QHostAddress(QStringLiteral("10.1.2.4"))));
    QVERIFY(list->allows(QHostAddress(QStringLiteral("192.168.1.255"))));
    QVERIFY(!list->allows(QHostAddress(QStringLiteral("192.168.2.0"))));
    QVERIFY(list->allows(QHostAddress(QStringLiteral("::ffff:10.1.2.3"))));
    QVERIFY(list->allows(QHostAddress(QStringLiteral("::ffff:192.168.1.9"))));
    QVERIFY(list->allows(QHostAddress(QStringLiteral("fd12:3456::1"))));
    QVERIFY(!list->allows(QHostAddress(QStringLiteral("fe80::1"))));
    QVERIFY(!list->allows(QHostAddress(QStringLiteral("::"))));
    QVERIFY(!list->allows(QHostAddress()));

    // "::" is not IPv4-mapped, so it must not sneak in as 0.0.0.0.
    const Result<IpAllowlist> zero = IpAllowlist::parse({QStringLiteral("0.0.0.0/8")});
    QVERIFY(zero);
    QVERIFY(!zero->allows(QHostAddress(QStringLiteral("::"))));
}

void TestTokenSigner::keyFileCreatedWith0600()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("keys/nested/token.key"));
    const Result<QByteArray> key = SigningKeyFile::loadOrCreate(path);
    QVERIFY2(key, qPrintable(failure(key)));
    QCOMPARE(key->size(), SigningKeyFile::KeySize);
    QVERIFY(*key != QByteArray(SigningKeyFile::KeySize, '\0'));

    const QFileInfo info(path);
    QVERIFY(info.isFile());
    QCOMPARE(info.size(), SigningKeyFile::KeySize);
    const QFileDevice::Permissions ownerGroupOther = QFileDevice::ReadOwner | QFileDevice::WriteOwner
        | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
        | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    QCOMPARE(info.permissions() & ownerGroupOther, QFileDevice::ReadOwner | QFileDevice::WriteOwner);

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), *key);
    // Nothing else left behind (no stray temporary files).
    QCOMPARE(QFileInfo(path).dir().entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("token.key")});
}

void TestTokenSigner::keyFileReusesKey()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("token.key"));
    const Result<QByteArray> first = SigningKeyFile::loadOrCreate(path);
    const Result<QByteArray> second = SigningKeyFile::loadOrCreate(path);
    QVERIFY(first);
    QVERIFY(second);
    QCOMPARE(*second, *first);

    // A key in another place is a fresh random key.
    const Result<QByteArray> other = SigningKeyFile::loadOrCreate(dir.filePath(QStringLiteral("other.key")));
    QVERIFY(other);
    QVERIFY(*other != *first);

    // A narrower mode (0400) is fine.
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner));
    const Result<QByteArray> readOnly = SigningKeyFile::loadOrCreate(path);
    QVERIFY2(readOnly, qPrintable(failure(readOnly)));
    QCOMPARE(*readOnly, *first);
}

void TestTokenSigner::keyFileRejectsBroadPermissions_data()
{
    QTest::addColumn<QFileDevice::Permissions>("permissions");
    const auto rw = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    QTest::newRow("0644") << (rw | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    QTest::newRow("0640") << (rw | QFileDevice::ReadGroup);
    QTest::newRow("0604") << (rw | QFileDevice::ReadOther);
    QTest::newRow("0700") << (rw | QFileDevice::ExeOwner);
}

void TestTokenSigner::keyFileRejectsBroadPermissions()
{
    QFETCH(QFileDevice::Permissions, permissions);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("token.key"));
    QVERIFY(SigningKeyFile::loadOrCreate(path));
    QVERIFY(QFile::setPermissions(path, permissions));

    const Result<QByteArray> key = SigningKeyFile::loadOrCreate(path);
    QVERIFY(!key);
    QCOMPARE(key.error().type, ErrorType::InvalidArgument);
    QVERIFY2(key.error().message.contains(path), qPrintable(key.error().message));
    QVERIFY2(key.error().message.contains(QStringLiteral("broader than 0600")), qPrintable(key.error().message));
    // Refused, not repaired or replaced behind the user's back.
    QCOMPARE(QFileInfo(path).permissions() & permissions, permissions);
}

void TestTokenSigner::keyFileRejectsWrongSize_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("short") << QByteArray(16, 'k');
    QTest::newRow("long") << QByteArray(SigningKeyFile::KeySize + 1, 'k');
}

void TestTokenSigner::keyFileRejectsWrongSize()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("token.key"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
    file.close();
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner));

    const Result<QByteArray> key = SigningKeyFile::loadOrCreate(path);
    QVERIFY(!key);
    QCOMPARE(key.error().type, ErrorType::InvalidArgument);
    QVERIFY2(key.error().message.contains(path), qPrintable(key.error().message));
    QCOMPARE(QFileInfo(path).size(), content.size());
}

void TestTokenSigner::keyFileRejectsDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const Result<QByteArray> key = SigningKeyFile::loadOrCreate(dir.path());
    QVERIFY(!key);
    QCOMPARE(key.error().type, ErrorType::InvalidArgument);
    QVERIFY(key.error().message.contains(dir.path()));
}

QTEST_GUILESS_MAIN(TestTokenSigner)
#include "test_tokensigner.moc"
