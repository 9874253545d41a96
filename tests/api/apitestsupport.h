#pragma once

#include <memory>
#include <optional>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "api/apiclient.h"
#include "plane/controlplane.h"
#include "api/jsoncodec.h"
#include "service/modelservingservice.h"
#include "store/repository.h"

// Shared by the control API suites: an in-process control plane on loopback with a
// throw-away data dir, a raw HTTP helper for what ApiClient cannot express (no or a
// wrong Authorization header, response headers) and a canonical dump of the store (rollouts,
// their decisions and events included).
namespace ApiTest {

// The reconciler turns desired replicas into routes on its own; these suites drive routes
// themselves and compare store dumps, so it stays off.
inline void disableReconciler(ServeDeck::ControlPlaneOptions &options)
{
    options.reconcileIntervalMs = 0;
}

// Long enough for a debug build on a loaded 2-core machine, short enough to fail fast.
constexpr int kReplyTimeoutMs = 15000;

inline QString modelsDir()
{
    return QDir(qEnvironmentVariable("SERVEDECK_SOURCE_DIR")).filePath(QStringLiteral("resources/models"));
}

inline QString irisV1()
{
    return QDir(modelsDir()).filePath(QStringLiteral("iris-v1"));
}

inline QString irisV2()
{
    return QDir(modelsDir()).filePath(QStringLiteral("iris-v2"));
}

// The spec's 1.1 request, in its own field names (model_name, vfolder_id).
inline QJsonObject specCreateBody(
    const QString &name = QStringLiteral("sentiment-analyzer"), const QString &version = QStringLiteral("v1.0"))
{
    return { { QStringLiteral("model_name"), name }, { QStringLiteral("model_version"), version },
        { QStringLiteral("vfolder_id"), QStringLiteral("iris-v1") },
        { QStringLiteral("runtime_variant"), QStringLiteral("custom") },
        { QStringLiteral("resource_slots"),
            QJsonObject {
                { QStringLiteral("cpu"), QStringLiteral("2") }, { QStringLiteral("memory"), QStringLiteral("4G") } } },
        { QStringLiteral("resource_group"), QStringLiteral("default") }, { QStringLiteral("replicas"), 2 },
        { QStringLiteral("public"), false } };
}

struct RawReply
{
    int status = 0;
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    QByteArray contentType;
    QByteArray allow;

    QJsonDocument document() const { return QJsonDocument::fromJson(body); }
    QJsonObject json() const { return document().object(); }
    QJsonObject error() const { return json().value(QStringLiteral("error")).toObject(); }
    QString errorType() const { return error().value(QStringLiteral("type")).toString(); }
};

// One control plane per test: SQLite in a temporary dir, API and proxy on 127.0.0.1 port 0.
class Plane
{
public:
    Plane()
        : m_dir(temporaryDirTemplate())
        , m_plane(std::make_unique<ServeDeck::ControlPlane>())
    {
    }

    ~Plane()
    {
        // The clients go before the servers they talk to.
        m_api.reset();
        m_network.reset();
        m_plane.reset();
    }

    ServeDeck::Result<ServeDeck::Done> start()
    {
        if (!m_dir.isValid())
            return ServeDeck::makeError(ServeDeck::ErrorType::StorageError, QStringLiteral("no temporary dir"));
        ServeDeck::ControlPlaneOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("data"));
        options.apiAddress = QHostAddress::LocalHost;
        options.apiPort = 0;
        options.proxyAddress = QHostAddress::LocalHost;
        options.proxyPort = 0;
        options.capacity = QStringLiteral("cpu=8,memory=16G");
        options.modelRoots = { modelsDir() };
        disableReconciler(options);
        auto started = m_plane->start(options);
        if (!started)
            return started;
        m_api = std::make_unique<ServeDeck::ApiClient>(baseUrl(), m_plane->adminToken(), kReplyTimeoutMs);
        m_network = std::make_unique<QNetworkAccessManager>();
        return started;
    }

    QUrl baseUrl() const { return QUrl(QStringLiteral("http://") + m_plane->apiAddress()); }
    QString proxyBaseUrl() const { return QStringLiteral("http://") + m_plane->proxyAddress(); }
    QString tempPath(const QString &name) const { return m_dir.filePath(name); }

    ServeDeck::ControlPlane &plane() { return *m_plane; }
    ServeDeck::ModelServingService &service() { return m_plane->service(); }
    ServeDeck::Repository &repository() { return m_plane->repository(); }
    ServeDeck::ApiClient &api() { return *m_api; }
    QByteArray adminAuthorization() const { return QByteArrayLiteral("Bearer ") + m_plane->adminToken(); }

    // authorization empty: no Authorization header at all.
    RawReply send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
        std::optional<QByteArray> authorization = std::nullopt)
    {
        return sendTo(
            baseUrl().resolved(QUrl(pathAndQuery)), method, body, authorization.value_or(adminAuthorization()));
    }

    RawReply sendTo(const QUrl &url, const QByteArray &method, const QByteArray &body, const QByteArray &authorization)
    {
        QNetworkRequest request(url);
        if (!authorization.isEmpty())
            request.setRawHeader("Authorization", authorization);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setTransferTimeout(kReplyTimeoutMs);
        QNetworkReply *reply = m_network->sendCustomRequest(request, method, body);
        const bool finished = QTest::qWaitFor([reply] { return reply->isFinished(); }, kReplyTimeoutMs + 1000);
        RawReply out;
        if (!finished) {
            reply->abort();
            out.errorString = QStringLiteral("no reply in time");
        }
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.networkError = reply->error();
        if (out.errorString.isEmpty())
            out.errorString = reply->errorString();
        out.body = reply->readAll();
        out.contentType = reply->rawHeader("Content-Type");
        out.allow = reply->rawHeader("Allow");
        reply->deleteLater();
        return out;
    }

    // Every row of every table, in a fixed order, as JSON text: equal dumps mean an unchanged store.
    QByteArray storeDump()
    {
        using namespace ServeDeck;
        Repository &repo = repository();
        QJsonObject root;
        const auto failed
            = [](const ServiceError &e) { return QByteArrayLiteral("dump failed: ") + e.message.toUtf8(); };
        auto endpoints = repo.endpoints(true);
        if (!endpoints)
            return failed(endpoints.error());
        QJsonArray list;
        for (const Endpoint &e : *endpoints) {
            QJsonObject entry { { QStringLiteral("endpoint"), JsonCodec::toJson(e) } };
            auto revisions = repo.revisions(e.id);
            auto routes = repo.routes(e.id);
            auto rules = repo.rules(e.id);
            auto tokens = repo.tokenGrants(e.id);
            auto errors = repo.errors(e.id, 100000);
            auto events = repo.scaleEvents(e.id, 100000);
            if (!revisions || !routes || !rules || !tokens || !errors || !events)
                return QByteArrayLiteral("dump failed for ") + e.name.toUtf8();
            QJsonArray a;
            for (const Revision &r : *revisions)
                a.append(JsonCodec::toJson(r));
            entry.insert(QStringLiteral("revisions"), a);
            a = {};
            for (const Route &r : *routes)
                a.append(JsonCodec::toJson(r));
            entry.insert(QStringLiteral("routes"), a);
            a = {};
            for (const AutoScalingRule &r : *rules)
                a.append(JsonCodec::toJson(r));
            entry.insert(QStringLiteral("rules"), a);
            a = {};
            for (const TokenGrant &g : *tokens)
                a.append(JsonCodec::toJson(g));
            entry.insert(QStringLiteral("tokens"), a);
            a = {};
            for (const ErrorRecord &r : *errors)
                a.append(JsonCodec::toJson(r));
            entry.insert(QStringLiteral("errors"), a);
            a = {};
            for (const ScaleEvent &ev : *events)
                a.append(JsonCodec::toJson(ev));
            entry.insert(QStringLiteral("scale_events"), a);
            // Rollouts with their decisions and events, as the API shows them.
            auto rollouts = repo.rollouts(e.id, 100000);
            if (!rollouts)
                return failed(rollouts.error());
            a = {};
            for (const Rollout &o : *rollouts) {
                RolloutInfo info;
                info.rollout = o;
                auto decisions = repo.rolloutDecisions(o.id);
                auto rolloutEvents = repo.rolloutEvents(o.id);
                if (!decisions || !rolloutEvents)
                    return QByteArrayLiteral("dump failed for rollout ") + o.id.toByteArray();
                info.decisions = *decisions;
                info.events = *rolloutEvents;
                a.append(JsonCodec::toJson(info));
            }
            entry.insert(QStringLiteral("rollouts"), a);
            list.append(entry);
        }
        root.insert(QStringLiteral("endpoints"), list);
        auto allErrors = repo.errors(QUuid(), 100000);
        if (!allErrors)
            return failed(allErrors.error());
        QJsonArray errors;
        for (const ErrorRecord &r : *allErrors)
            errors.append(JsonCodec::toJson(r));
        root.insert(QStringLiteral("all_errors"), errors);
        return QJsonDocument(root).toJson(QJsonDocument::Indented);
    }

private:
    // SQLite syncs every committed action to disk; on a busy CI disk that is most of a suite's
    // time. RAM-backed /dev/shm, where there is one, keeps the same semantics without the wait.
    static QString temporaryDirTemplate()
    {
        const QFileInfo shm(QStringLiteral("/dev/shm"));
        const QString base = shm.isDir() && shm.isWritable() ? shm.absoluteFilePath() : QDir::tempPath();
        return QDir(base).filePath(QStringLiteral("servedeck-api-test-XXXXXX"));
    }

    QTemporaryDir m_dir;
    std::unique_ptr<ServeDeck::ControlPlane> m_plane;
    std::unique_ptr<ServeDeck::ApiClient> m_api;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

// A HEALTHY route as an agent would report it, written straight into the store.
inline ServeDeck::Route healthyRoute(const ServeDeck::Endpoint &endpoint, int weight, const QString &replica)
{
    ServeDeck::Route r;
    r.id = QUuid::createUuid();
    r.endpointId = endpoint.id;
    r.revisionId = endpoint.currentRevisionId;
    r.status = ServeDeck::RouteStatus::Healthy;
    r.weight = weight;
    r.replicaId = replica;
    r.agentId = QStringLiteral("local");
    r.createdAt = r.updatedAt = QDateTime::currentDateTimeUtc();
    return r;
}

} // namespace ApiTest
