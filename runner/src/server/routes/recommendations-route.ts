import type {FastifyPluginAsync} from 'fastify';
import type {ErrorBody} from '../server-plugins/error-answers.js';

/**
 * GET /customers/:id/recommendations: the products the train stage recommended for a customer,
 * from the table bundled with the model being served.
 */
const recommendationsRoute: FastifyPluginAsync = async (app) => {
  app.get<{Params: {id: string}}>(
    '/customers/:id/recommendations',
    {
      schema: {
        params: {
          type: 'object',
          required: ['id'],
          properties: {id: {type: 'string', pattern: '^[0-9]{1,12}(\\.0)?$'}},
        },
      },
    },
    async (request, reply) => {
      const loaded = app.models.current;
      const id = request.params.id;
      const table = loaded.recommendations;
      if (!table) {
        return reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          code: 'no-recommendations',
          message: `Model ${loaded.version} was loaded without a recommendations table (none beside model.json or in data/processed/); start the server with one to answer this route.`,
        } satisfies ErrorBody);
      }
      const rows = table.forCustomer(id);
      if (!rows) {
        return reply.code(404).send({
          statusCode: 404,
          error: 'Not Found',
          code: 'unknown-customer',
          message: `Customer ${id} has no recommendations in model ${loaded.version} (it was not among the ${table.customers} training customers).`,
        } satisfies ErrorBody);
      }
      return {customerId: Number(id), model: loaded.version, recommendations: rows};
    },
  );
};

export default recommendationsRoute;
