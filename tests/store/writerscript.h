#pragma once

#include <QList>
#include <QString>

namespace ServeDeck::StoreTest {

// The fixed series of service actions store_writer performs and test_crashconsistency replays
// in its head: both sides derive it from this one function, so the test knows which action
// follows the last line the writer reported.
struct WriterAction
{
    enum class Kind { Create, Rule, Scale, Error, Modify, ClearErrors };

    Kind kind = Kind::Create;
    int endpoint = 0;  // index: the endpoint is named endpointName(endpoint)
    int replicas = 0;  // Scale: the target
    int cycle = 0;     // the cycle that added this action (rule threshold, modify values)
};

inline QString endpointName(int index)
{
    return QStringLiteral("ep-%1").arg(index);
}

inline QString actionName(WriterAction::Kind kind)
{
    switch (kind) {
    case WriterAction::Kind::Create:
        return QStringLiteral("create");
    case WriterAction::Kind::Rule:
        return QStringLiteral("rule");
    case WriterAction::Kind::Scale:
        return QStringLiteral("scale");
    case WriterAction::Kind::Error:
        return QStringLiteral("error");
    case WriterAction::Kind::Modify:
        return QStringLiteral("modify");
    case WriterAction::Kind::ClearErrors:
        return QStringLiteral("clear-errors");
    }
    return {};
}

// Rule and modify values derived from the cycle, so the test can check them after a crash.
inline double ruleThreshold(int cycle)
{
    return 10.0 + cycle;
}

inline bool ruleHasTarget(int cycle)
{
    return cycle % 3 == 0;
}

inline QString modifiedGroup(int cycle)
{
    return QStringLiteral("group-%1").arg(cycle);
}

inline bool modifiedPublic(int cycle)
{
    return cycle % 2 == 0;
}

// At least `count` actions. Cycle i creates ep-i and works on it, then goes back to ep-(i-1),
// so later actions touch rows that earlier transactions wrote.
inline QList<WriterAction> writerScript(int count)
{
    using Kind = WriterAction::Kind;
    QList<WriterAction> script;
    for (int i = 0; script.size() < count; ++i) {
        script << WriterAction{Kind::Create, i, 0, i} << WriterAction{Kind::Rule, i, 0, i}
               << WriterAction{Kind::Scale, i, 2 + i % 4, i} << WriterAction{Kind::Error, i, 0, i}
               << WriterAction{Kind::Modify, i, 0, i};
        if (i > 0)
            script << WriterAction{Kind::Scale, i - 1, 1 + i % 3, i};
        if (i % 2 == 1)
            script << WriterAction{Kind::ClearErrors, i - 1, 0, i};
        script << WriterAction{Kind::Error, i, 0, i};
    }
    return script;
}

} // namespace ServeDeck::StoreTest
