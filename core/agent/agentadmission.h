#pragma once

#include <functional>
#include <optional>

#include <QHash>

#include "domain/agentcredential.h"
#include "domain/result.h"

namespace ServeDeck {

// Who may join the gateway as which agent id. An id that is new comes with the join token and is
// issued a credential of its own; from then on that id joins only with that credential, so a
// leaked join token cannot take over an agent that has joined, and one agent's credential is no
// good for another's id. Revocation is final for an id: neither its credential nor the join
// token lets it back in; the operator re-admits that machine by joining it under a new id.
class AgentAdmission final
{
public:
    // Where credentials are kept (the plane's store). Without one they live as long as this does.
    struct Store
    {
        std::function<Result<std::optional<AgentCredential>>(const QString &agentId)> find;
        std::function<Result<Done>(const AgentCredential &credential)> insert;
    };

    AgentAdmission() = default;
    void setStore(Store store) { m_store = std::move(store); }

    // 1-64 of [A-Za-z0-9._-], not starting with a dot: it names a file on the agent and a row here.
    static bool isValidAgentId(const QString &agentId);
    // What an issued credential looks like: 32 bytes in base64url, unpadded (43 characters).
    static bool isWellFormedCredential(const QByteArray &credential);

    // The join token already checked: the new agent's credential, to be sent to it once.
    Result<QByteArray> admitNewAgent(const QString &agentId);
    // An agent back with the credential it was issued.
    Result<Done> admitReturningAgent(const QString &agentId, const QByteArray &credential);

private:
    Result<std::optional<AgentCredential>> find(const QString &agentId);

    Store m_store;
    QHash<QString, AgentCredential> m_inMemory;
};

} // namespace ServeDeck
