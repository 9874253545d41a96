// AES-256-GCM under the plane key: a round trip, and every change to what is stored (the
// ciphertext, its tag, the nonce, the name it was sealed under, the key) is a typed refusal.
#include <QJsonObject>
#include <QSet>
#include <QTest>

#include "auth/secretbox.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

QByteArray keyOf(char fill)
{
    return QByteArray(SecretBox::KeySize, fill);
}

SecretBox boxOf(char fill)
{
    auto box = SecretBox::withKey(keyOf(fill));
    if (!box)
        qFatal("a 32-byte key was refused: %s", qPrintable(box.error().message));
    return *box;
}

QString reasonOf(const ServiceError &error)
{
    return error.details.value(u"reason"_s).toString();
}

} // namespace

class TestSecretBox final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void freshNonceEverySeal();
    void tamperedIsRefused_data();
    void tamperedIsRefused();
    void anotherNameIsRefused();
    void anotherKeyIsRefused();
    void malformedIsRefused_data();
    void malformedIsRefused();
    void keyOfWrongSizeIsRefused_data();
    void keyOfWrongSizeIsRefused();
    void badNamesAndSizesAreRefused();
};

void TestSecretBox::roundTrip_data()
{
    QTest::addColumn<QByteArray>("plaintext");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("one byte") << QByteArray("x");
    QTest::newRow("a signing key") << QByteArray(32, '\x9c');
    QTest::newRow("binary with zeros") << QByteArray("\0\1\2\0\xff", 5);
    QTest::newRow("the largest") << QByteArray(SecretBox::MaxPlaintextSize, 'p');
}

void TestSecretBox::roundTrip()
{
    QFETCH(QByteArray, plaintext);
    const SecretBox box = boxOf('k');
    auto sealed = box.seal(u"signing-key"_s, plaintext);
    QVERIFY2(sealed, qPrintable(sealed ? QString() : sealed.error().message));
    QCOMPARE(sealed->nonce.size(), SecretBox::NonceSize);
    QCOMPARE(sealed->ciphertext.size(), plaintext.size() + SecretBox::TagSize);
    if (plaintext.size() >= 8)
        QVERIFY(!sealed->ciphertext.contains(plaintext.left(8)));
    // Another box with the same key (another console) opens it.
    auto opened = boxOf('k').open(u"signing-key"_s, *sealed);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    QCOMPARE(*opened, plaintext);
}

void TestSecretBox::freshNonceEverySeal()
{
    const SecretBox box = boxOf('k');
    QSet<QByteArray> nonces;
    QSet<QByteArray> ciphertexts;
    constexpr int kSeals = 64;
    for (int i = 0; i < kSeals; ++i) {
        auto sealed = box.seal(u"n"_s, QByteArray("same secret"));
        QVERIFY(sealed);
        nonces.insert(sealed->nonce);
        ciphertexts.insert(sealed->ciphertext);
    }
    QCOMPARE(nonces.size(), kSeals);
    QCOMPARE(ciphertexts.size(), kSeals);
}

void TestSecretBox::tamperedIsRefused_data()
{
    QTest::addColumn<bool>("inNonce");
    QTest::addColumn<int>("index");  // negative: from the end
    QTest::newRow("ciphertext first byte") << false << 0;
    QTest::newRow("ciphertext middle") << false << 20;
    QTest::newRow("tag first byte") << false << -SecretBox::TagSize;
    QTest::newRow("tag last byte") << false << -1;
    QTest::newRow("nonce first byte") << true << 0;
    QTest::newRow("nonce last byte") << true << -1;
}

void TestSecretBox::tamperedIsRefused()
{
    QFETCH(bool, inNonce);
    QFETCH(int, index);
    const SecretBox box = boxOf('k');
    auto sealed = box.seal(u"agent-tls-key"_s, QByteArray(48, 's'));
    QVERIFY(sealed);
    SecretBox::Sealed changed = *sealed;
    QByteArray &target = inNonce ? changed.nonce : changed.ciphertext;
    const qsizetype at = index < 0 ? target.size() + index : index;
    target[at] = char(target.at(at) ^ 0x01);
    auto opened = box.open(u"agent-tls-key"_s, changed);
    QVERIFY(!opened);
    QCOMPARE(opened.error().type, ErrorType::Unauthorized);
    QCOMPARE(reasonOf(opened.error()), u"authentication_failed"_s);
    // The untouched one still opens: the refusal came from the change.
    QVERIFY(box.open(u"agent-tls-key"_s, *sealed));
}

void TestSecretBox::anotherNameIsRefused()
{
    const SecretBox box = boxOf('k');
    auto sealed = box.seal(u"signing-key"_s, QByteArray(32, 'a'));
    QVERIFY(sealed);
    auto moved = box.open(u"agent-tls-key"_s, *sealed);
    QVERIFY(!moved);
    QCOMPARE(moved.error().type, ErrorType::Unauthorized);
    QCOMPARE(reasonOf(moved.error()), u"authentication_failed"_s);
    QVERIFY(box.open(u"signing-key"_s, *sealed));
}

void TestSecretBox::anotherKeyIsRefused()
{
    auto sealed = boxOf('k').seal(u"signing-key"_s, QByteArray(32, 'a'));
    QVERIFY(sealed);
    QByteArray nearly = keyOf('k');
    nearly[31] = 'j';
    auto other = SecretBox::withKey(nearly);
    QVERIFY(other);
    auto opened = other->open(u"signing-key"_s, *sealed);
    QVERIFY(!opened);
    QCOMPARE(opened.error().type, ErrorType::Unauthorized);
    QVERIFY(!opened.error().message.contains(u"aaaa"_s));
}

void TestSecretBox::malformedIsRefused_data()
{
    QTest::addColumn<int>("nonceSize");
    QTest::addColumn<int>("ciphertextSize");
    QTest::newRow("no nonce") << 0 << 40;
    QTest::newRow("short nonce") << int(SecretBox::NonceSize - 1) << 40;
    QTest::newRow("long nonce") << int(SecretBox::NonceSize + 1) << 40;
    QTest::newRow("no ciphertext") << int(SecretBox::NonceSize) << 0;
    QTest::newRow("shorter than the tag") << int(SecretBox::NonceSize) << int(SecretBox::TagSize - 1);
    QTest::newRow("too large") << int(SecretBox::NonceSize) << int(SecretBox::MaxPlaintextSize + SecretBox::TagSize + 1);
}

void TestSecretBox::malformedIsRefused()
{
    QFETCH(int, nonceSize);
    QFETCH(int, ciphertextSize);
    SecretBox::Sealed sealed{QByteArray(nonceSize, 'n'), QByteArray(ciphertextSize, 'c')};
    auto opened = boxOf('k').open(u"signing-key"_s, sealed);
    QVERIFY(!opened);
    QCOMPARE(opened.error().type, ErrorType::InvalidArgument);
    QCOMPARE(reasonOf(opened.error()), u"malformed"_s);
}

void TestSecretBox::keyOfWrongSizeIsRefused_data()
{
    QTest::addColumn<int>("size");
    QTest::newRow("empty") << 0;
    QTest::newRow("16") << 16;
    QTest::newRow("31") << 31;
    QTest::newRow("33") << 33;
    QTest::newRow("64") << 64;
}

void TestSecretBox::keyOfWrongSizeIsRefused()
{
    QFETCH(int, size);
    auto box = SecretBox::withKey(QByteArray(size, 'k'));
    QVERIFY(!box);
    QCOMPARE(box.error().type, ErrorType::InvalidArgument);
    QCOMPARE(reasonOf(box.error()), u"key_size"_s);
}

void TestSecretBox::badNamesAndSizesAreRefused()
{
    const SecretBox box = boxOf('k');
    auto noName = box.seal(QString(), QByteArray("x"));
    QVERIFY(!noName);
    QCOMPARE(noName.error().type, ErrorType::InvalidArgument);
    auto longName = box.seal(QString(SecretBox::MaxNameSize + 1, u'n'), QByteArray("x"));
    QVERIFY(!longName);
    QCOMPARE(longName.error().type, ErrorType::InvalidArgument);
    auto tooLarge = box.seal(u"n"_s, QByteArray(SecretBox::MaxPlaintextSize + 1, 'p'));
    QVERIFY(!tooLarge);
    QCOMPARE(tooLarge.error().type, ErrorType::InvalidArgument);
    QCOMPARE(reasonOf(tooLarge.error()), u"too_large"_s);
    QVERIFY(box.seal(QString(SecretBox::MaxNameSize, u'n'), QByteArray("x")));
}

QTEST_GUILESS_MAIN(TestSecretBox)
#include "test_secretbox.moc"
