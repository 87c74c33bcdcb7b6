// NestJS + @nestjs/platform-ws: a gateway on /chat and the gate's /live.
import 'reflect-metadata';
import { Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { routeUpgrades } from 'authsocket/server';
import { gate } from './gate.ts';

// In a Nest app these are decorators (`@WebSocketGateway({ path: '/chat' })`,
// `@SubscribeMessage('say')`, `@Module(…)`, with `experimentalDecorators`);
// applied as calls here, so that the example type-checks without that setting.
class ChatGateway {
  say(_client: unknown, text: string) { return { event: 'said', data: text }; }
}
SubscribeMessage('say')(ChatGateway.prototype, 'say', Object.getOwnPropertyDescriptor(ChatGateway.prototype, 'say')!);
WebSocketGateway({ path: '/chat' })(ChatGateway);

// Runs inside app.close(), before Nest closes the HTTP server (which waits for the gate's sockets).
class GateShutdown implements BeforeApplicationShutdown {
  beforeApplicationShutdown() { return gate.close(); }
}

class AppModule {}
Module({ providers: [ChatGateway, GateShutdown] })(AppModule);

const app = await NestFactory.create(AppModule);
app.useWebSocketAdapter(new WsAdapter(app));
routeUpgrades(app.getHttpServer(), { '/live': gate });
app.enableShutdownHooks();
await app.listen(8080);
