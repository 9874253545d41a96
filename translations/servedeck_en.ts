<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/guicommand.cpp" line="53"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointListModel</name>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="113"/>
        <source>%1 of %2 replicas healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="142"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="144"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="146"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="148"/>
        <source>Desired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="150"/>
        <source>Healthy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="152"/>
        <source>URL</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServeDeck::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="25"/>
        <source>ServeDeck</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="31"/>
        <source>Search endpoints</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="51"/>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="52"/>
        <source>Data: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="53"/>
        <source>API %1 · Proxy %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
