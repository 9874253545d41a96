// Secrets are private from their first byte, whatever the umask, and never replace or write
// through what is already there.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "auth/secretfile.h"
#include "support/testfiles.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;
using namespace TestFiles;

class TestSecretFile final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void privateFromCreationWhateverTheUmask();
    void neverReplacesAnExistingName();
    void neverWritesThroughALink();

private:
    mode_t m_umask = 0;
};

void TestSecretFile::initTestCase()
{
    // The most permissive umask: modes below come from the code, not from the process.
    m_umask = ::umask(0);
}

void TestSecretFile::cleanupTestCase()
{
    ::umask(m_umask);
}

void TestSecretFile::privateFromCreationWhateverTheUmask()
{
    QTemporaryDir parent;
    QVERIFY(parent.isValid());
    const QString dir = parent.filePath(u"a/b"_s);
    QVERIFY(SecretFile::makePrivateDir(dir));
    QCOMPARE(modeOf(parent.filePath(u"a"_s)), mode_t(0700));
    QCOMPARE(modeOf(dir), mode_t(0700));

    const QString path = QDir(dir).filePath(u"admin.token"_s);
    QVERIFY(SecretFile::create(path, "secret\n"));
    QCOMPARE(modeOf(path), mode_t(0600));
    QCOMPARE(contentOf(path), QByteArray("secret\n"));
    // No temporary left beside it.
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList{u"admin.token"_s});
}

void TestSecretFile::neverReplacesAnExistingName()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"signing.key"_s);
    QVERIFY(SecretFile::create(path, "first"));
    const auto second = SecretFile::create(path, "second");
    QVERIFY(!second);
    QCOMPARE(second.error().type, ErrorType::InvalidArgument);
    QCOMPARE(contentOf(path), QByteArray("first"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{u"signing.key"_s});
}

void TestSecretFile::neverWritesThroughALink()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString target = dir.filePath(u"elsewhere"_s);
    const QString link = dir.filePath(u"agent.token"_s);
    QVERIFY(QFile::link(target, link));  // dangling: the secret would land in `elsewhere`
    QVERIFY(!SecretFile::create(link, "secret"));
    QVERIFY(!QFile::exists(target));
}

QTEST_GUILESS_MAIN(TestSecretFile)
#include "test_secretfile.moc"
