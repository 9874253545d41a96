#pragma once

#include <QStringList>

#include "domain/result.h"

class QSqlDatabase;

namespace ServeDeck {

// The PostgreSQL side of the change feed: a statement-level trigger on each shared table that
// calls pg_notify('servedeck_changes', <table>). PostgreSQL sends notifications at commit only
// (a rolled-back write says nothing) and folds a transaction's duplicates into one.
class ChangeTriggers final
{
public:
    static QString channel();  // "servedeck_changes"
    // The tables another console must see change: what its views, routing or caches read.
    // Left out: what changes every second or only follows another table (plane_leader's lease,
    // job_bodies, usage intervals and samples).
    static const QStringList &sharedTables();
    // Creates or replaces the trigger function and each table's trigger, in one transaction
    // under a transaction advisory lock (two consoles starting at once take turns). Idempotent.
    // Every table must exist (run after the migrations). Nothing changes on an error.
    static Result<Done> install(QSqlDatabase &db, const QStringList &tables = sharedTables());
};

} // namespace ServeDeck
