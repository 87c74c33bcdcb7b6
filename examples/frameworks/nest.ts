// NestJS + @nestjs/platform-ws: a gateway on /chat and the gate's /live.
import 'reflect-metadata';
import { Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { routeUpgrades } from 'authsocket/server';
import { gate } from './gate.ts';

@WebSocketGateway({ path: '/chat' })
class ChatGateway {
  @SubscribeMessage('say')
  say(_client: unknown, text: string) { return { event: 'said', data: text }; }
}

// Runs inside app.close(), before Nest closes the HTTP server (which waits for the gate's sockets).
class GateShutdown implements BeforeApplicationShutdown {
  beforeApplicationShutdown() { return gate.close(); }
}

@Module({ providers: [ChatGateway, GateShutdown] })
class AppModule {}

const app = await NestFactory.create(AppModule);
app.useWebSocketAdapter(new WsAdapter(app));
routeUpgrades(app.getHttpServer(), { '/live': gate });
app.enableShutdownHooks();
await app.listen(8080);
