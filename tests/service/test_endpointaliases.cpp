// Endpoint aliases (the other names the proxy's OpenAI front door routes by `model`) and the
// names the proxy keeps for itself, against the service and a real SQLite store.
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "auth/tokensigner.h"
#include "proxy/proxyserver.h"
#include "service/modelservingservice.h"
#include "service/routingpublisher.h"
#include "store/repository.h"
#include "support/manualclock.h"
#include "support/servicefixture.h"
#include "support/require.h"

using namespace ServeDeck;
using namespace Qt::StringLiterals;

namespace {

CreateEndpointRequest request(const QString &name, const QStringList &aliases = {})
{
    CreateEndpointRequest r;
    r.name = name;
    r.aliases = aliases;
    r.modelVersion = u"v1"_s;
    r.modelFolder = u"iris-v1"_s;
    r.runtimeVariant = u"custom"_s;
    r.resourceSlots = {1, qint64(1) << 30, 0};
    r.replicas = 1;
    return r;
}

} // namespace

class TestEndpointAliases final : public QObject
{
    Q_OBJECT

private:
    ServiceFixture m_fx;

    QStringList aliasesOf(const QString &name)
    {
        return require(m_fx.service->endpointInfo(name), "info").endpoint.aliases;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init()
    {
        const QString failed = m_fx.open(ServiceFixture::defaultConfig());
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanup() { m_fx.close(); }

    void reservedNamesAreRefused_data()
    {
        QTest::addColumn<QString>("word");
        for (const QString &word : {u"v1"_s, u"metrics"_s, u"health"_s, u"healthz"_s})
            QTest::newRow(qPrintable(word)) << word;
    }

    // As a name, as an alias, on create and on modify: InvalidArgument naming the word, and
    // nothing stored.
    void reservedNamesAreRefused()
    {
        QFETCH(QString, word);
        const auto refused = [&word](const auto &result, const char *what) {
            QVERIFY2(!result.ok(), what);
            QCOMPARE(result.error().type, ErrorType::InvalidArgument);
            QVERIFY2(result.error().message.contains(u"'%1' is reserved"_s.arg(word)), qPrintable(result.error().message));
            QCOMPARE(result.error().details.value(u"reserved"_s).toString(), word);
        };
        refused(m_fx.service->createEndpoint(request(word)), "create named");
        refused(m_fx.service->createEndpoint(request(u"chat"_s, {u"ok-alias"_s, word})), "create aliased");
        QCOMPARE(require(m_fx.repository->endpoints(), "endpoints").size(), 0);
        QVERIFY(m_fx.service->dryRun(request(word)).problems.size() >= 1);

        require(m_fx.service->createEndpoint(request(u"chat"_s, {u"assistant"_s})), "create");
        ModifyEndpointRequest rename;
        rename.name = word;
        refused(m_fx.service->modifyEndpoint(u"chat"_s, rename), "rename");
        ModifyEndpointRequest alias;
        alias.aliases = QStringList{u"helper"_s, word};
        refused(m_fx.service->modifyEndpoint(u"chat"_s, alias), "alias");
        QCOMPARE(aliasesOf(u"chat"_s), QStringList{u"assistant"_s});
        QVERIFY(require(m_fx.repository->liveEndpointByName(u"chat"_s), "by name").has_value());
    }

    void aliasesAreStoredInOrderAndReplaced()
    {
        const Endpoint created = require(m_fx.service->createEndpoint(request(u"chat"_s, {u"gpt-4o"_s, u"assistant"_s})), "create");
        QCOMPARE(created.aliases, (QStringList{u"gpt-4o"_s, u"assistant"_s}));
        QCOMPARE(aliasesOf(u"chat"_s), (QStringList{u"gpt-4o"_s, u"assistant"_s}));
        const QList<EndpointInfo> listed = require(m_fx.service->listEndpoints(), "list");
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed[0].endpoint.aliases, (QStringList{u"gpt-4o"_s, u"assistant"_s}));

        ModifyEndpointRequest change;
        change.aliases = QStringList{u"helper"_s};
        QCOMPARE(require(m_fx.service->modifyEndpoint(u"chat"_s, change), "modify").endpoint.aliases, QStringList{u"helper"_s});
        QCOMPARE(aliasesOf(u"chat"_s), QStringList{u"helper"_s});
        change.aliases = QStringList{};
        require(m_fx.service->modifyEndpoint(u"chat"_s, change), "clear");
        QVERIFY(aliasesOf(u"chat"_s).isEmpty());
        // A modify that names no aliases keeps them.
        change.aliases = QStringList{u"kept"_s};
        require(m_fx.service->modifyEndpoint(u"chat"_s, change), "set");
        ModifyEndpointRequest other;
        other.replicas = 2;
        require(m_fx.service->modifyEndpoint(u"chat"_s, other), "replicas");
        QCOMPARE(aliasesOf(u"chat"_s), QStringList{u"kept"_s});
    }

    void namesAndAliasesAreUniqueTogether_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("aliases");
        QTest::addColumn<QString>("type");
        // "chat" exists with the alias "assistant".
        QTest::newRow("name is an alias") << u"assistant"_s << QStringList{} << u"ModelAlreadyExists"_s;
        QTest::newRow("alias is an alias") << u"other"_s << QStringList{u"assistant"_s} << u"ModelAlreadyExists"_s;
        QTest::newRow("alias is a name") << u"other"_s << QStringList{u"chat"_s} << u"ModelAlreadyExists"_s;
        QTest::newRow("alias twice") << u"other"_s << QStringList{u"twin"_s, u"twin"_s} << u"ModelAlreadyExists"_s;
        QTest::newRow("alias is its own name") << u"other"_s << QStringList{u"other"_s} << u"ModelAlreadyExists"_s;
        QTest::newRow("alias not a name") << u"other"_s << QStringList{u"Bad_Alias"_s} << u"InvalidArgument"_s;
        QTest::newRow("alias too long") << u"other"_s << QStringList{QString(64, u'a')} << u"InvalidArgument"_s;
        QStringList many;
        for (int i = 0; i < 17; ++i)
            many << u"a%1"_s.arg(i);
        QTest::newRow("too many aliases") << u"other"_s << many << u"InvalidArgument"_s;
    }

    // On create, and the same on modify: nothing of the refused request is stored.
    void namesAndAliasesAreUniqueTogether()
    {
        QFETCH(QString, name);
        QFETCH(QStringList, aliases);
        QFETCH(QString, type);

        require(m_fx.service->createEndpoint(request(u"chat"_s, {u"assistant"_s})), "create");
        const auto created = m_fx.service->createEndpoint(request(name, aliases));
        QVERIFY(!created.ok());
        QCOMPARE(created.error().typeName(), type);
        QCOMPARE(require(m_fx.repository->endpoints(), "endpoints").size(), 1);

        require(m_fx.service->createEndpoint(request(u"other"_s, {u"before"_s})), "create other");
        ModifyEndpointRequest change;
        if (name != u"other")
            change.name = name;
        else
            change.aliases = aliases;
        const auto modified = m_fx.service->modifyEndpoint(u"other"_s, change);
        QVERIFY(!modified.ok());
        QCOMPARE(modified.error().typeName(), type);
        QCOMPARE(aliasesOf(u"other"_s), QStringList{u"before"_s});
        QCOMPARE(aliasesOf(u"chat"_s), QStringList{u"assistant"_s});
    }

    void deletingFreesTheAliases()
    {
        require(m_fx.service->createEndpoint(request(u"chat"_s, {u"assistant"_s})), "create");
        const auto taken = m_fx.service->createEndpoint(request(u"other"_s, {u"assistant"_s}));
        QVERIFY(!taken.ok());
        require(m_fx.service->deleteEndpoint(u"chat"_s), "delete");
        const Endpoint other = require(m_fx.service->createEndpoint(request(u"other"_s, {u"assistant"_s})), "create again");
        QCOMPARE(other.aliases, QStringList{u"assistant"_s});
    }

    // The routing snapshot carries them: the front door resolves an alias without the store.
    void theSnapshotCarriesThem()
    {
        const Endpoint chat = require(m_fx.service->createEndpoint(request(u"chat"_s, {u"gpt-4o"_s, u"assistant"_s})), "create");
        require(m_fx.service->createEndpoint(request(u"plain"_s)), "create plain");
        ProxyServer proxy(ProxyServer::Options(), nullptr);
        RoutingPublisher publisher(*m_fx.repository, proxy);
        require(publisher.publishNow(), "publish");
        const std::shared_ptr<const RoutingSnapshot> snapshot = proxy.snapshot();
        QVERIFY(snapshot);
        QCOMPARE(snapshot->endpoints.value(u"chat"_s).aliases, (QStringList{u"gpt-4o"_s, u"assistant"_s}));
        QCOMPARE(snapshot->aliases.size(), 2);
        QCOMPARE(snapshot->aliases.value(u"gpt-4o"_s), u"chat"_s);
        QCOMPARE(snapshot->aliases.value(u"assistant"_s), u"chat"_s);
        QVERIFY(snapshot->endpoints.value(u"plain"_s).aliases.isEmpty());
        QCOMPARE(snapshot->endpoints.value(u"chat"_s).endpointId, chat.id);
    }
};

QTEST_GUILESS_MAIN(TestEndpointAliases)
#include "test_endpointaliases.moc"
