import { routePathOf } from './http-rules';

describe('routePathOf', () => {
  it('turns path variables into route parameters and keeps literal segments', () => {
    expect(routePathOf('/admin/v1/sms/{id}/_activate')).toBe('/admin/v1/sms/:id/_activate');
    expect(routePathOf('/resources/v3alpha/users/{id}/webauthn/{web_auth_n_id}/_verify')).toBe('/resources/v3alpha/users/:id/webauthn/:web_auth_n_id/_verify');
    expect(routePathOf('/admin/v1/sms/_search')).toBe('/admin/v1/sms/_search');
  });

  it('expands variables with a pattern: a single star, literal segments, and ** as the rest of the path', () => {
    expect(routePathOf('/v1/{id=*}')).toBe('/v1/:id');
    expect(routePathOf('/v1/{name=projects/*/keys/*}')).toBe('/v1/projects/:name/keys/:name2');
    expect(routePathOf('/v1/{name=files/**}')).toBe('/v1/files/*');
    expect(routePathOf('/v1/{user.id}/x')).toBe('/v1/:user_id/x');
  });
});
