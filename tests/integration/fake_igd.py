#!/usr/bin/env python3
# fake_igd.py MODE ADDR PORT: a lying UPnP-IGD router for t0720-reach, on
# ADDR:PORT (rootDesc.xml at /rootDesc.xml, its control URL at /ctl).
# Modes:
#   notaddr  the external address it gives is not an address
#   other    it accepts every mapping but says it maps to another host
#   cgnat    its external address is in 100.64.0.0/10 (shared, CGNAT)
#   hang     accepts connections and never answers
import re, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
ST = "urn:schemas-upnp-org:service:WANIPConnection:1"
DESC = """<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>liar</friendlyName><UDN>uuid:00000000-0000-0000-0000-000000000001</UDN>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
<UDN>uuid:00000000-0000-0000-0000-000000000002</UDN>
<serviceList><service>
<serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId>
<controlURL>/ctl</controlURL><eventSubURL>/evt</eventSubURL><SCPDURL>/x.xml</SCPDURL>
</service></serviceList>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>
<UDN>uuid:00000000-0000-0000-0000-000000000003</UDN>
<serviceList><service><serviceType>%s</serviceType>
<serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
<controlURL>/ctl</controlURL><eventSubURL>/evt</eventSubURL><SCPDURL>/x.xml</SCPDURL>
</service></serviceList></device></deviceList>
</device></deviceList></device></root>
""" % ST

def envelope(action, body):
    return ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.'
            'xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.'
            'xmlsoap.org/soap/encoding/"><s:Body><u:%sResponse xmlns:u="%s">'
            '%s</u:%sResponse></s:Body></s:Envelope>' % (action, ST, body,
                                                          action))

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def send(self, text, ctype="text/xml"):
        b = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(b)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b)
    def do_GET(self):
        if mode == "hang":
            time.sleep(3600)
        self.send(DESC)
    def do_POST(self):
        if mode == "hang":
            time.sleep(3600)
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode(errors="replace")
        action = self.headers.get("SOAPAction", "").strip('"').split("#")[-1]
        if action == "GetExternalIPAddress":
            ip = {"notaddr": "not-an-address", "cgnat": "100.64.3.4"}
            self.send(envelope(action, "<NewExternalIPAddress>%s"
                               "</NewExternalIPAddress>" %
                               ip.get(mode, "11.0.0.1")))
        elif action == "AddPortMapping" or action == "DeletePortMapping":
            self.send(envelope(action, ""))
        elif action == "GetSpecificPortMappingEntry":
            m = re.search(r"<NewInternalClient>", body)
            port = re.search(r"<NewExternalPort>(\d+)<", body).group(1)
            client = "10.99.99.99" if mode == "other" else self.client_address[0]
            self.send(envelope(action, "<NewInternalPort>%s</NewInternalPort>"
                               "<NewInternalClient>%s</NewInternalClient>"
                               "<NewEnabled>1</NewEnabled><NewPortMapping"
                               "Description>x</NewPortMappingDescription>"
                               "<NewLeaseDuration>3600</NewLeaseDuration>" %
                               (port, client)))
        else:
            self.send_error(500)

ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer((addr, port), H).serve_forever()
