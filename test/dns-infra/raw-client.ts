/** A raw dns-packet client for testing the fixture server without the resolver under test. */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as dnsPacket from 'dns-packet';

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded packets are inspected loosely in tests */
export interface RawAnswer {
  name: string;
  type: string;
  ttl?: number;
  data?: any;
  [k: string]: any;
}
/** dns-packet's decoded shape, with the header fields its typings omit. */
export interface RawReply {
  id: number;
  rcode: string;
  flag_aa: boolean;
  flag_tc: boolean;
  flag_ad: boolean;
  answers: RawAnswer[];
  authorities: RawAnswer[];
  additionals: RawAnswer[];
}

export interface RawQuery {
  name: string;
  type: string;
  id?: number;
  edns?: number;
  dnssecOk?: boolean;
}

export function buildQuery(q: RawQuery): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: q.id ?? Math.floor(Math.random() * 65536),
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: q.name, type: q.type as dnsPacket.RecordType, class: 'IN' }],
    additionals: q.edns
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: q.edns,
            flags: q.dnssecOk ? dnsPacket.DNSSEC_OK : 0,
          } as dnsPacket.Answer,
        ]
      : [],
  });
}

/** Sends raw bytes over UDP; resolves with the decoded reply, or undefined after `waitMs` of silence. */
export function udpRaw(port: number, bytes: Buffer, waitMs = 1000): Promise<RawReply | undefined> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      resolve(undefined);
    }, waitMs);
    sock.on('message', (msg) => {
      clearTimeout(timer);
      sock.close();
      resolve(dnsPacket.decode(msg) as unknown as RawReply);
    });
    sock.send(bytes, port, '127.0.0.1');
  });
}

export const udpQuery = (port: number, q: RawQuery, waitMs?: number) => udpRaw(port, buildQuery(q), waitMs);

/** Sends several queries on ONE TCP connection (RFC 7766 §6.2.1) and collects the replies in order. */
export function tcpQueries(port: number, qs: RawQuery[], waitMs = 2000): Promise<RawReply[]> {
  return new Promise((resolve, reject) => {
    const out: RawReply[] = [];
    const sock = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(out);
    }, waitMs);
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        out.push(dnsPacket.decode(buf.subarray(2, 2 + len)) as unknown as RawReply);
        buf = buf.subarray(2 + len);
      }
      if (out.length === qs.length) {
        clearTimeout(timer);
        sock.destroy();
        resolve(out);
      }
    });
    // Write all queries in one segment to exercise the server's framing.
    sock.write(Buffer.concat(qs.map((q) => dnsPacket.streamEncode(dnsPacket.decode(buildQuery(q))))));
  });
}
