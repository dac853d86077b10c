export const DELIVERY_CLIENT = Symbol('DELIVERY_CLIENT');
