<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/guicommand.cpp" line="53"/>
        <source>ServeDeck</source>
        <translation>ServeDeck</translation>
    </message>
</context>
<context>
    <name>ServeDeck::EndpointListModel</name>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="113"/>
        <source>%1 of %2 replicas healthy</source>
        <translation>레플리카 %2개 중 %1개 정상</translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="142"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="144"/>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="146"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="148"/>
        <source>Desired</source>
        <translation>목표</translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="150"/>
        <source>Healthy</source>
        <translation>정상</translation>
    </message>
    <message>
        <location filename="../ui/endpointlistmodel.cpp" line="152"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
</context>
<context>
    <name>ServeDeck::MainWindow</name>
    <message>
        <location filename="../ui/mainwindow.cpp" line="25"/>
        <source>ServeDeck</source>
        <translation>ServeDeck</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="31"/>
        <source>Search endpoints</source>
        <translation>엔드포인트 검색</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="51"/>
        <source>off</source>
        <translation>꺼짐</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="52"/>
        <source>Data: %1</source>
        <translation>데이터: %1</translation>
    </message>
    <message>
        <location filename="../ui/mainwindow.cpp" line="53"/>
        <source>API %1 · Proxy %2</source>
        <translation>API %1 · 프록시 %2</translation>
    </message>
</context>
</TS>
