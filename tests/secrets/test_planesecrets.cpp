// The shared plane's secrets in the store: made once under the plane key, read back the same by
// every console, refused (and left alone) under another key, refused when a row was changed.
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include "agent/agentcertificate.h"
#include "plane/planesecrets.h"
#include "store/repository.h"
#include "store/storelocation.h"
#include "support/teststore.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

QByteArray planeKeyOf(char fill)
{
    return QByteArray(32, fill);
}

// A connection of the test's own on the same database: what another process would see.
class SideConnection final
{
public:
    explicit SideConnection(const StoreLocation &location)
        : m_name(u"side-"_s + QUuid::createUuid().toString(QUuid::WithoutBraces))
    {
        m_open = location.openConnection(m_name).ok();
    }
    ~SideConnection() { QSqlDatabase::removeDatabase(m_name); }
    bool isOpen() const { return m_open; }

    // name -> nonce + ciphertext, every row.
    QHash<QString, QByteArray> rows() const
    {
        QHash<QString, QByteArray> out;
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(u"SELECT name, nonce, ciphertext FROM plane_secrets"_s))
            qFatal("side query failed");
        while (q.next())
            out.insert(q.value(0).toString(), q.value(1).toByteArray() + q.value(2).toByteArray());
        return out;
    }

    bool run(const QString &sql, const QVariantList &binds = {}) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.prepare(sql))
            return false;
        for (const QVariant &b : binds)
            q.addBindValue(b);
        return q.exec();
    }

private:
    QString m_name;
    bool m_open = false;
};

} // namespace

class TestPlaneSecrets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void firstOpenCreatesEveryOpenReadsTheSame();
    void wrongKeyIsRefusedAndNothingIsOverwritten();
    void wrongKeyCreatesNothingNew();
    void changedRowIsRefused_data();
    void changedRowIsRefused();
    void rowMovedToAnotherNameIsRefused();
    void insertNeverReplaces();
    void wrongSizeOfPlaneKeyIsRefused();

private:
    StoreLocation location() const { return m_location; }
    std::unique_ptr<Repository> openRepository()
    {
        auto repository = std::make_unique<Repository>();
        if (auto opened = repository->open(m_location); !opened)
            qFatal("cannot open the store: %s", qPrintable(opened.error().message));
        return repository;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    StoreLocation m_location;
};

void TestPlaneSecrets::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // A SQLite file, or (test_planesecrets_pg) a fresh PostgreSQL database.
    const QString text = TestStore::location(*m_dir);
    QVERIFY2(!text.isEmpty(), qPrintable(TestStore::lastError()));
    auto parsed = TestStore::usePostgres() ? StoreLocation::parse(text) : Result<StoreLocation>(StoreLocation::sqlite(text));
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
    m_location = *parsed;
}

void TestPlaneSecrets::cleanup()
{
    m_dir.reset();
}

void TestPlaneSecrets::firstOpenCreatesEveryOpenReadsTheSame()
{
    auto first = openRepository();
    auto secrets = PlaneSecrets::open(*first, planeKeyOf('k'), u"console-a"_s);
    QVERIFY2(secrets, qPrintable(secrets ? QString() : secrets.error().message));
    QCOMPARE(secrets->signingKey().size(), 32);
    auto certificate = secrets->agentCertificate({u"127.0.0.1"_s});
    QVERIFY2(certificate, qPrintable(certificate ? QString() : certificate.error().message));
    QCOMPARE(certificate->sha256().size(), 32);

    // Another console on the same store, with the same key and other hosts: the same secrets.
    auto second = openRepository();
    auto again = PlaneSecrets::open(*second, planeKeyOf('k'), u"console-b"_s);
    QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
    QCOMPARE(again->signingKey(), secrets->signingKey());
    auto sameCertificate = again->agentCertificate({u"10.0.0.2"_s});
    QVERIFY(sameCertificate);
    QCOMPARE(sameCertificate->sha256(), certificate->sha256());
    QCOMPARE(sameCertificate->certificate(), certificate->certificate());

    // Stored sealed: the key's bytes are not in the row, and created_by names the first console.
    auto row = second->planeSecret(PlaneSecrets::signingKeyName());
    QVERIFY(row && row->has_value());
    QCOMPARE((*row)->createdBy, u"console-a"_s);
    QVERIFY(!(*row)->ciphertext.contains(secrets->signingKey()));
    auto tls = second->planeSecret(PlaneSecrets::agentTlsName());
    QVERIFY(tls && tls->has_value());
    QVERIFY(!(*tls)->ciphertext.contains("PRIVATE KEY"));
    QVERIFY(!(*tls)->ciphertext.contains("CERTIFICATE"));
}

void TestPlaneSecrets::wrongKeyIsRefusedAndNothingIsOverwritten()
{
    auto repository = openRepository();
    auto secrets = PlaneSecrets::open(*repository, planeKeyOf('k'), u"a"_s);
    QVERIFY(secrets);
    QVERIFY(secrets->agentCertificate({}));
    SideConnection side(location());
    QVERIFY(side.isOpen());
    const auto before = side.rows();
    QCOMPARE(before.size(), 2);

    auto wrong = PlaneSecrets::open(*openRepository(), planeKeyOf('w'), u"b"_s);
    QVERIFY(!wrong);
    QCOMPARE(wrong.error().type, ErrorType::Unauthorized);
    QVERIFY2(wrong.error().message.contains(u"the plane key does not open the plane's secrets"_s),
             qPrintable(wrong.error().message));
    QCOMPARE(side.rows(), before);
    // The right key still opens what is there.
    auto right = PlaneSecrets::open(*openRepository(), planeKeyOf('k'), u"c"_s);
    QVERIFY(right);
    QCOMPARE(right->signingKey(), secrets->signingKey());
}

void TestPlaneSecrets::wrongKeyCreatesNothingNew()
{
    // The first console did not take agents: only the signing key is stored. A console with the
    // wrong key must not get as far as storing an agent identity under its key.
    auto repository = openRepository();
    QVERIFY(PlaneSecrets::open(*repository, planeKeyOf('k'), u"a"_s));
    SideConnection side(location());
    QCOMPARE(side.rows().keys(), QList<QString>{PlaneSecrets::signingKeyName()});
    auto wrong = PlaneSecrets::open(*repository, planeKeyOf('w'), u"b"_s);
    QVERIFY(!wrong);
    QCOMPARE(side.rows().keys(), QList<QString>{PlaneSecrets::signingKeyName()});
}

void TestPlaneSecrets::changedRowIsRefused_data()
{
    QTest::addColumn<QString>("column");
    QTest::addColumn<int>("index");
    QTest::newRow("ciphertext") << u"ciphertext"_s << 3;
    QTest::newRow("tag") << u"ciphertext"_s << -1;
    QTest::newRow("nonce") << u"nonce"_s << 0;
}

void TestPlaneSecrets::changedRowIsRefused()
{
    QFETCH(QString, column);
    QFETCH(int, index);
    auto repository = openRepository();
    QVERIFY(PlaneSecrets::open(*repository, planeKeyOf('k'), u"a"_s));
    auto row = repository->planeSecret(PlaneSecrets::signingKeyName());
    QVERIFY(row && row->has_value());
    QByteArray changed = column == u"nonce"_s ? (*row)->nonce : (*row)->ciphertext;
    const qsizetype at = index < 0 ? changed.size() + index : index;
    changed[at] = char(changed.at(at) ^ 0x40);
    SideConnection side(location());
    QVERIFY(side.run(u"UPDATE plane_secrets SET %1 = ? WHERE name = ?"_s.arg(column),
                     {changed, PlaneSecrets::signingKeyName()}));

    auto opened = PlaneSecrets::open(*repository, planeKeyOf('k'), u"b"_s);
    QVERIFY(!opened);
    QCOMPARE(opened.error().type, ErrorType::Unauthorized);
    QCOMPARE(opened.error().details.value(u"secret"_s).toString(), PlaneSecrets::signingKeyName());
}

void TestPlaneSecrets::rowMovedToAnotherNameIsRefused()
{
    auto repository = openRepository();
    auto secrets = PlaneSecrets::open(*repository, planeKeyOf('k'), u"a"_s);
    QVERIFY(secrets);
    // The signing key's sealed bytes stored under the agent identity's name.
    SideConnection side(location());
    QVERIFY(side.run(u"INSERT INTO plane_secrets(name, nonce, ciphertext, created_at, created_by)"
                     " SELECT ?, nonce, ciphertext, created_at, created_by FROM plane_secrets WHERE name = ?"_s,
                     {PlaneSecrets::agentTlsName(), PlaneSecrets::signingKeyName()}));
    auto certificate = secrets->agentCertificate({});
    QVERIFY(!certificate);
    QCOMPARE(certificate.error().type, ErrorType::Unauthorized);
    QCOMPARE(certificate.error().details.value(u"secret"_s).toString(), PlaneSecrets::agentTlsName());
}

void TestPlaneSecrets::insertNeverReplaces()
{
    auto repository = openRepository();
    PlaneSecretRecord record{u"x"_s, QByteArray(12, 'n'), QByteArray(20, 'c'), QDateTime::currentDateTimeUtc(), u"a"_s};
    auto first = repository->insertPlaneSecret(record);
    QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
    QCOMPARE(*first, true);
    PlaneSecretRecord other = record;
    other.ciphertext = QByteArray(20, 'd');
    other.createdBy = u"b"_s;
    auto second = repository->insertPlaneSecret(other);
    QVERIFY(second);
    QCOMPARE(*second, false);
    auto stored = repository->planeSecret(u"x"_s);
    QVERIFY(stored && stored->has_value());
    QCOMPARE((*stored)->ciphertext, record.ciphertext);
    QCOMPARE((*stored)->createdBy, u"a"_s);
    auto absent = repository->planeSecret(u"y"_s);
    QVERIFY(absent);
    QVERIFY(!absent->has_value());
    PlaneSecretRecord empty = record;
    empty.name = u"z"_s;
    empty.ciphertext.clear();
    auto refused = repository->insertPlaneSecret(empty);
    QVERIFY(!refused);
    QCOMPARE(refused.error().type, ErrorType::InvalidArgument);
}

void TestPlaneSecrets::wrongSizeOfPlaneKeyIsRefused()
{
    auto repository = openRepository();
    auto opened = PlaneSecrets::open(*repository, QByteArray(16, 'k'), u"a"_s);
    QVERIFY(!opened);
    QCOMPARE(opened.error().type, ErrorType::InvalidArgument);
    SideConnection side(location());
    QVERIFY(side.rows().isEmpty());
}

QTEST_GUILESS_MAIN(TestPlaneSecrets)
#include "test_planesecrets.moc"
