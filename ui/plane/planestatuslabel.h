#pragma once

#include <QJsonObject>
#include <QLabel>

class QTimer;

namespace ServeDeck {

class ControlClient;

// The status bar's word on a shared plane (issue 18): "Leader: <name> · epoch N" or
// "Following <name> · epoch N"; hidden on a console of its own (SQLite). Reads the plane's
// report through the client every two seconds.
class PlaneStatusLabel final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlaneStatusLabel)

public:
    explicit PlaneStatusLabel(ControlClient &client, QWidget *parent = nullptr);

    // What the label says for a GET /v1/plane report (public for tests).
    static QString textFor(const QJsonObject &report);

private:
    void refresh();

    ControlClient &m_client;
    QTimer *m_timer = nullptr;
};

} // namespace ServeDeck
