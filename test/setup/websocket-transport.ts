/**
 * Setup file of the `realtime-websocket` Jest project (jest.config.js): the real-time
 * tests run a second time with sockets on the WebSocket transport only; the first run
 * (`component`) uses Socket.IO's default transports (test/helpers/socket.ts).
 */
process.env.TEST_SOCKET_TRANSPORTS = 'websocket';
