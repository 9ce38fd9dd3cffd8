// The yardstick: a bare Fastify route that parses the same JSON body and answers it, nothing else.
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post("/echo", async (req) => req.body);
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
process.stdout.write(`listening ${address}\n`);
