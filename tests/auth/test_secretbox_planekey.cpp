// The plane key file the secret box's key comes from: made private from its first byte, read only
// when it is exactly one line of 64 lowercase hex digits that nobody but its owner can read.
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "auth/planekey.h"
#include "support/testfiles.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;
using namespace TestFiles;

namespace {

const QByteArray kHex = "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";

bool writeFile(const QString &path, const QByteArray &content, mode_t mode)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size())
        return false;
    f.close();
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

QString reasonOf(const ServiceError &error)
{
    return error.details.value(u"reason"_s).toString();
}

} // namespace

class TestSecretBoxPlaneKey final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void createThenLoad();
    void createNeverReplaces();
    void loadsAWellFormedFile_data();
    void loadsAWellFormedFile();
    void malformedIsRefused_data();
    void malformedIsRefused();
    void broaderModeIsRefused_data();
    void broaderModeIsRefused();
    void missingIsNotFound();
    void notARegularFileIsRefused();
    void followsALinkToAPrivateFile();

private:
    mode_t m_umask = 0;
};

void TestSecretBoxPlaneKey::initTestCase()
{
    // The most permissive umask: the 0600 below comes from the code, not from the process.
    m_umask = ::umask(0);
}

void TestSecretBoxPlaneKey::cleanupTestCase()
{
    ::umask(m_umask);
}

void TestSecretBoxPlaneKey::createThenLoad()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"conf/plane.key"_s);
    auto created = PlaneKey::create(path);
    QVERIFY2(created, qPrintable(created ? QString() : created.error().message));
    QCOMPARE(created->size(), PlaneKey::KeySize);
    QCOMPARE(modeOf(path), mode_t(0600));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), created->toHex() + '\n');
    auto loaded = PlaneKey::load(path);
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
    QCOMPARE(*loaded, *created);
    // Two keys made one after the other differ: the bytes are random.
    auto second = PlaneKey::create(dir.filePath(u"second.key"_s));
    QVERIFY(second);
    QVERIFY(*second != *created);
}

void TestSecretBoxPlaneKey::createNeverReplaces()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"plane.key"_s);
    QVERIFY(writeFile(path, kHex + '\n', 0600));
    auto created = PlaneKey::create(path);
    QVERIFY(!created);
    QCOMPARE(created.error().type, ErrorType::InvalidArgument);
    auto loaded = PlaneKey::load(path);
    QVERIFY(loaded);
    QCOMPARE(*loaded, QByteArray::fromHex(kHex));
}

void TestSecretBoxPlaneKey::loadsAWellFormedFile_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("mode");
    QTest::newRow("with newline, 0600") << kHex + '\n' << 0600;
    QTest::newRow("without newline") << kHex << 0600;
    QTest::newRow("read-only 0400") << kHex + '\n' << 0400;
}

void TestSecretBoxPlaneKey::loadsAWellFormedFile()
{
    QFETCH(QByteArray, content);
    QFETCH(int, mode);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"plane.key"_s);
    QVERIFY(writeFile(path, content, mode_t(mode)));
    auto loaded = PlaneKey::load(path);
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
    QCOMPARE(*loaded, QByteArray::fromHex(kHex));
}

void TestSecretBoxPlaneKey::malformedIsRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("63 digits") << kHex.left(63) + '\n';
    QTest::newRow("65 digits") << kHex + "0\n";
    QTest::newRow("31 bytes") << kHex.left(62) + '\n';
    QTest::newRow("33 bytes") << kHex + "00\n";
    QTest::newRow("raw 32 bytes") << QByteArray(32, '\x7f');
    QTest::newRow("upper case") << kHex.toUpper() + '\n';
    QTest::newRow("two newlines") << kHex + "\n\n";
    QTest::newRow("CRLF") << kHex + "\r\n";
    QTest::newRow("trailing space") << kHex + ' ';
    QTest::newRow("leading space") << ' ' + kHex;
    QTest::newRow("not hex") << QByteArray(64, 'g') + '\n';
    QTest::newRow("base64 of 32 bytes") << QByteArray(32, 'k').toBase64() + '\n';
    QTest::newRow("large") << QByteArray(1 << 20, 'a');
}

void TestSecretBoxPlaneKey::malformedIsRefused()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"plane.key"_s);
    QVERIFY(writeFile(path, content, 0600));
    auto loaded = PlaneKey::load(path);
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().type, ErrorType::InvalidArgument);
    QCOMPARE(reasonOf(loaded.error()), u"format"_s);
    // The file's bytes never reach the message.
    if (content.size() >= 16)
        QVERIFY(!loaded.error().message.contains(QString::fromLatin1(content.mid(1, 15))));
}

void TestSecretBoxPlaneKey::broaderModeIsRefused_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("0644") << 0644;
    QTest::newRow("0640") << 0640;
    QTest::newRow("0604") << 0604;
    QTest::newRow("0602") << 0602;
    QTest::newRow("0660") << 0660;
    QTest::newRow("0666") << 0666;
}

void TestSecretBoxPlaneKey::broaderModeIsRefused()
{
    QFETCH(int, mode);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"plane.key"_s);
    QVERIFY(writeFile(path, kHex + '\n', mode_t(mode)));
    auto loaded = PlaneKey::load(path);
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().type, ErrorType::InvalidArgument);
    QCOMPARE(reasonOf(loaded.error()), u"mode"_s);
    QVERIFY(loaded.error().message.contains(QStringLiteral("0%1").arg(mode, 3, 8, QLatin1Char('0'))));
    QVERIFY(!loaded.error().message.contains(QString::fromLatin1(kHex.left(16))));
}

void TestSecretBoxPlaneKey::missingIsNotFound()
{
    QTemporaryDir dir;
    auto loaded = PlaneKey::load(dir.filePath(u"absent.key"_s));
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().type, ErrorType::NotFound);
    QCOMPARE(reasonOf(loaded.error()), u"missing"_s);
    auto empty = PlaneKey::load(QString());
    QVERIFY(!empty);
    QCOMPARE(empty.error().type, ErrorType::InvalidArgument);
}

void TestSecretBoxPlaneKey::notARegularFileIsRefused()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath(u"folder"_s);
    QVERIFY(QDir().mkdir(folder));
    QVERIFY(::chmod(QFile::encodeName(folder).constData(), 0700) == 0);
    auto loaded = PlaneKey::load(folder);
    QVERIFY(!loaded);
    QCOMPARE(reasonOf(loaded.error()), u"not_a_file"_s);
    // A FIFO with no writer must not hang the start-up that reads it.
    const QString fifo = dir.filePath(u"fifo"_s);
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    auto fromFifo = PlaneKey::load(fifo);
    QVERIFY(!fromFifo);
    QCOMPARE(reasonOf(fromFifo.error()), u"not_a_file"_s);
}

void TestSecretBoxPlaneKey::followsALinkToAPrivateFile()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"real.key"_s);
    QVERIFY(writeFile(target, kHex + '\n', 0600));
    const QString link = dir.filePath(u"plane.key"_s);
    QVERIFY(QFile::link(target, link));
    auto loaded = PlaneKey::load(link);
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
    QCOMPARE(*loaded, QByteArray::fromHex(kHex));
    // The target's mode is what counts, not the link's.
    QVERIFY(::chmod(QFile::encodeName(target).constData(), 0644) == 0);
    auto broad = PlaneKey::load(link);
    QVERIFY(!broad);
    QCOMPARE(reasonOf(broad.error()), u"mode"_s);
}

QTEST_GUILESS_MAIN(TestSecretBoxPlaneKey)
#include "test_secretbox_planekey.moc"
