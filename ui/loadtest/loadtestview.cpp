#include "loadtestview.h"

#include <QVBoxLayout>

#include "ui/common/endpointselector.h"
#include "ui/endpoints/endpointlistmodel.h"

namespace ServeDeck {

LoadTestView::LoadTestView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_endpoint);
}

LoadTestView::~LoadTestView() = default;

} // namespace ServeDeck
