#pragma once

#include <QWidget>

namespace ServeDeck {

class ControlClient;
class EndpointListModel;
class EndpointSelector;

class LoadTestView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadTestView)

public:
    LoadTestView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent = nullptr);
    ~LoadTestView() override;

    EndpointSelector *endpointSelector() const { return m_endpoint; }

private:
    ControlClient &m_client;
    EndpointSelector *m_endpoint;
};

} // namespace ServeDeck
